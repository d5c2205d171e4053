"""scholarkg: scholarly knowledge-graph ETL."""

__version__ = "0.1.0"
