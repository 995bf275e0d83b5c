"""The one exception the assessment rules raise; views turn its code into a message."""


class AssessmentError(Exception):
    """An action the rules refuse; ``code`` picks the message, ``params`` fill it in."""

    def __init__(self, code: str, **params: object):
        super().__init__(code)
        self.code = code
        self.params = params
