"""The dealership group: branch workbooks consolidated into DuckDB (embedded) or PostgreSQL (shared), and group reports (SPEC 5.6)."""
