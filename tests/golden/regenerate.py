"""Regenerate the golden summary — deliberately, with a CHANGELOG line saying why.

python tests/golden/regenerate.py
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

HERE = Path(__file__).parent
sys.path.insert(0, str(HERE.parent))

from test_golden import GOLDEN, golden_result  # noqa: E402


def main() -> None:
    result = golden_result()
    GOLDEN.write_text(json.dumps(result, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    print(f"wrote {GOLDEN.relative_to(HERE.parent.parent)}")


if __name__ == "__main__":
    main()
