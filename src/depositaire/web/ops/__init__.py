"""Running Dépositaire for real: backups, the application server, health and logs."""
