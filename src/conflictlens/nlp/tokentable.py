"""The tokens of a Doc as plain Python lists, built once per Doc and shared by every component.

Each `doc[i]` or `for t in doc` creates a new spaCy Token object; the rule components look at
each token many times, so reading the attributes once into lists is most of what keeps them
fast. The table is kept in `doc.user_data` and rebuilt only if the Doc's length changes.
"""

from __future__ import annotations

from spacy.tokens import Doc

_KEY = "conflictlens.tokentable"


class TokenTable:
    """Per-token attribute lists of one Doc (index i is token i), its text, and its sentences."""

    __slots__ = ("doc_text", "text", "lower", "idx", "alpha", "digit", "sent_start", "cap", "sentences", "sent_of")

    def __init__(self, doc: Doc):
        self.doc_text: str = doc.text  # spaCy joins every token anew at each read of doc.text
        text, lower, idx, alpha, digit, sent_start = [], [], [], [], [], []
        for t in doc:
            text.append(t.text)
            lower.append(t.lower_)
            idx.append(t.idx)
            alpha.append(t.is_alpha)
            digit.append(t.is_digit)
            sent_start.append(bool(t.is_sent_start))
        if sent_start:
            sent_start[0] = True
        self.text, self.lower, self.idx, self.alpha, self.digit, self.sent_start = text, lower, idx, alpha, digit, sent_start
        self.cap: list[bool] = [x[:1].isupper() for x in text]
        self.sentences: list[tuple[int, int]] = []  # (start, end) token bounds of each sentence
        self.sent_of: list[int] = []                # sentence number of each token
        start = 0
        for i in range(1, len(text) + 1):
            if i == len(text) or sent_start[i]:
                self.sent_of.extend([len(self.sentences)] * (i - start))
                self.sentences.append((start, i))
                start = i

    def __len__(self) -> int:
        return len(self.text)

    def span_text(self, start: int, end: int) -> str:
        """The text of tokens [start, end) as it stands in the document, without trailing space."""
        if end <= start:
            return ""
        return self.doc_text[self.idx[start]:self.idx[end - 1] + len(self.text[end - 1])]

    def char_end(self, i: int) -> int:
        """The character offset just after token i."""
        return self.idx[i] + len(self.text[i])

    def sentence_of(self, i: int) -> tuple[int, int]:
        """The (start, end) token bounds of the sentence holding token i."""
        return self.sentences[self.sent_of[i]]

    def ends_with(self, end: int, phrase: tuple[str, ...]) -> bool:
        """Whether the lower-case words just before token `end` are `phrase`."""
        start = end - len(phrase)
        return start >= 0 and tuple(self.lower[start:end]) == phrase


def token_table(doc: Doc) -> TokenTable:
    """The Doc's token table, built at the first call and kept in doc.user_data."""
    table = doc.user_data.get(_KEY)
    if table is None or len(table) != len(doc):
        table = doc.user_data[_KEY] = TokenTable(doc)
    return table
