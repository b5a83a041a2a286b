"""Storage: SQLAlchemy 2 models, the engine factory, migrations, the instance lock. No Qt."""
