"""In-app notifications: the bell, the list, preferences."""
