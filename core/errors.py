"""The one error a user sees."""


class UserError(Exception):
    """A problem the user can fix. The message is one line and names the file (and line), key or setting at fault."""
