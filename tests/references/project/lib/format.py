def format_nickname(nickname):
    """A display helper: it knows nothing of any table."""
    return nickname.strip().title()
