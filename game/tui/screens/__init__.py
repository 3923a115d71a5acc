"""One Screen subclass per screen the player sees."""
