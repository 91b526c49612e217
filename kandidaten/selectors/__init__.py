"""Query functions shared by views, exports and management commands."""
