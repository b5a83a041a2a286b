"""Pure rules and values of the work. Imports nothing from store/, services/, ui/, Qt or SQLAlchemy."""
