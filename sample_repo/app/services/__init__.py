"""Domain services (chat, presence, notifications, delivery)."""
