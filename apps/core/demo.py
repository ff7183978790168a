"""Higher apps add demo content (supports, editions …) by appending a callable taking the
command's stdout, from their AppConfig.ready(); `seed_demo` runs them in order."""

DEMO_SEEDERS: list = []
