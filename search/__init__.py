"""One search across the application: strategy, measures, projects, standards, units."""
