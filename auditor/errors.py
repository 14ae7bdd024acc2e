"""The one error type a person sees: what is wrong with the input and what to do about it."""


class InputError(Exception):
    """A file auditor cannot use. The message is one line a person can act on."""

    def __init__(self, path: str, problem: str, hint: str = "") -> None:
        self.path = path
        self.problem = problem
        self.hint = hint
        message = f"{path}: {problem}"
        if hint:
            message += f"; {hint}"
        super().__init__(message)
