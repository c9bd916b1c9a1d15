"""The ``ptce-sim`` command line: the command group, the entry point, the small commands.

Every user error (bad scenario file, unknown ``--set`` key, out-of-range value, an
unusable output folder) ends with exit code 2 and one line on stderr naming the file or
option, the dotted key, the value, the allowed range and the meaning — never a
traceback, never a half-written output folder. Ctrl-C ends any command with one line
and exit code 130. The commands live in ``cli_run.py`` (run, compare, patterns),
``cli_sweep.py`` (sweep, calibrate), ``cli_files.py`` (validate, params, report) and
``sensitivity/commands.py``; this module only gathers them and guards the entry point.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence

import click

import ptce_sim
from ptce_sim.apps import outdir
from ptce_sim.apps.cli_common import (
    EXIT_INTERRUPTED,
    EXIT_USER_ERROR,
    INVOCATION,
    fail,
)
from ptce_sim.apps.cli_files import params, report, validate
from ptce_sim.apps.cli_run import compare, patterns, run
from ptce_sim.apps.cli_sweep import calibrate, sweep
from ptce_sim.apps.interrupts import (
    forget_caught_interrupt,
    ignore_further_interrupts,
    own_process,
)
from ptce_sim.apps.progress import LazyProgress
from ptce_sim.apps.sensitivity.commands import discover_command, sensitivity_command
from ptce_sim.base.errors import ConfigError

# Names other modules import from here (sensitivity/commands.py, older scripts).
_INVOCATION = INVOCATION
_fail = fail
__all__ = ["LazyProgress", "cli", "main"]


def _print_version(ctx: click.Context, _param: click.Parameter, value: bool) -> None:
    """``--version``: the version is read from the package metadata only when asked
    (about 50 ms that every other command would spend before its first line)."""
    if value and not ctx.resilient_parsing:
        click.echo(f"ptce-sim, version {ptce_sim.__version__}")
        ctx.exit()


@click.group(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.option(
    "--version",
    is_flag=True,
    expose_value=False,
    is_eager=True,
    callback=_print_version,
    help="Show the version and exit.",
)
def cli() -> None:
    """Simulate territorial economic cooperation poles (PTCE).

    First run: the model is compiled for this machine once (a few minutes on two
    cores, said on screen); later commands start at once.
    """


for _command in (run, compare, sweep, report, validate, params, patterns, calibrate):
    cli.add_command(_command)
cli.add_command(sensitivity_command)  # issue 6: apps/sensitivity/
cli.add_command(discover_command)


@cli.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to bind.")
@click.option("--port", type=click.IntRange(1, 65535), default=8765, show_default=True)
def web(host: str, port: int) -> None:
    """Serve the web view (needs the `web` extra: pip install "ptce-sim[web]")."""
    from ptce_sim.apps.web.server import missing, serve  # issue 15: apps/web/

    if missing():
        _fail(ConfigError(f"the web view needs the 'web' extra (missing: {missing()})", "web"))
    serve(host, port)


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point (``ptce-sim``); returns the exit code instead of exiting when called
    with ``argv`` (tests)."""
    args = list(argv) if argv is not None else sys.argv[1:]
    INVOCATION[:] = args
    if argv is None:
        own_process()  # Ctrl-C handling that only the process itself may install
    try:
        code = _dispatch(args)
    finally:
        ignore_further_interrupts()  # the command is over: a Ctrl-C now changes nothing
        outdir.cleanup()  # folders this command created and left empty
    if argv is None:
        forget_caught_interrupt()  # exit with `code`, even after a caught Ctrl-C
        sys.exit(code)
    return code


def _dispatch(args: list[str]) -> int:
    """Run the command; turn every way it can end into an exit code and at most a line.

    Why not click's standalone mode: it turns Ctrl-C into "Aborted!" with exit code 1,
    and lets an ``OSError`` escape as a traceback."""
    try:
        rv = cli.main(args=args, prog_name="ptce-sim", standalone_mode=False)
        return rv if isinstance(rv, int) else 0
    except SystemExit as exc:
        code = exc.code
        return code if isinstance(code, int) else (0 if code is None else 1)
    except (click.exceptions.Abort, KeyboardInterrupt):
        ignore_further_interrupts()  # a second Ctrl-C must not break the report
        _stop_workers()
        click.echo("interrupted (Ctrl-C); nothing more was written", err=True)
        return EXIT_INTERRUPTED
    except click.UsageError as exc:  # a misspelled option or a bad option value
        where = exc.ctx.command_path if exc.ctx is not None else "ptce-sim"
        message = " ".join(exc.format_message().split())
        click.echo(f"error: {where}: {message} (see {where} --help)", err=True)
        return exc.exit_code
    except click.ClickException as exc:
        exc.show()
        return exc.exit_code
    except ConfigError as err:  # a command that forgot to catch it: still one line
        _stop_workers()
        click.echo(f"error: {err}", err=True)
        return EXIT_USER_ERROR
    except BrokenPipeError:  # `ptce-sim params | head`: the reader left; so do we
        _quiet_stdout()
        return 141
    except OSError as exc:  # a filesystem fault no command anticipated: one line
        _stop_workers()
        err = outdir.fs_error(exc.filename or "ptce-sim", exc, "cannot read or write")
        click.echo(f"error: {err}", err=True)
        return EXIT_USER_ERROR


def _stop_workers() -> None:
    from ptce_sim.apps.engine_cli import stop_workers

    stop_workers()


def _quiet_stdout() -> None:
    """Point stdout at /dev/null, so that Python's final flush does not fail again."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):
        pass


if __name__ == "__main__":  # pragma: no cover
    main()
