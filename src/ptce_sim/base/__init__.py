"""Base layer: parameter declarations, errors, random streams, domain enums."""
