"""One exception for every rule a player or host can break.

The engine names the broken rule with a short code; the socket and HTTP
layers turn the code into a translated sentence for the person who broke it.
"""


class RuleError(Exception):
    def __init__(self, code: str, **details: object) -> None:
        super().__init__(code)
        self.code = code
        self.details = details
