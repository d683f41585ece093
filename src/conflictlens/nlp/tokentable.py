"""The tokens of a Doc as plain Python lists, built once per Doc and shared by every component.

Each `doc[i]` or `for t in doc` creates a new spaCy Token object; the rule components look at
each token many times, so reading the attributes once into lists is most of what keeps them
fast. The table is kept in `doc.user_data` and rebuilt only if the Doc's length changes.
"""

from __future__ import annotations

from spacy.attrs import IDX, IS_ALPHA, IS_DIGIT, LENGTH, SENT_START
from spacy.tokens import Doc

_KEY = "conflictlens.tokentable"
_TEXT_KEY = "conflictlens.text"


class TokenTable:
    """Per-token attribute lists of one Doc (index i is token i), its text, and its sentences."""

    __slots__ = ("doc_text", "text", "lower", "idx", "alpha", "digit", "sent_start", "cap", "sentences", "sent_of")

    def __init__(self, doc: Doc):
        # the text as read (kept by remember_text), else doc.text, which spaCy joins from every token
        self.doc_text: str = doc.user_data.get(_TEXT_KEY) or doc.text
        rows = doc.to_array([IDX, LENGTH, IS_ALPHA, IS_DIGIT, SENT_START]).tolist() if len(doc) else []
        doc_text = self.doc_text
        self.idx: list[int] = [r[0] for r in rows]
        self.text: list[str] = [doc_text[r[0]:r[0] + r[1]] for r in rows]
        self.lower: list[str] = [t.lower() for t in self.text]   # spaCy's LOWER is str.lower() of the text
        self.alpha: list[bool] = [r[2] == 1 for r in rows]
        self.digit: list[bool] = [r[3] == 1 for r in rows]
        sent_start = self.sent_start = [r[4] == 1 for r in rows]
        if sent_start:
            sent_start[0] = True
        text = self.text
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


def remember_text(doc: Doc, text: str) -> None:
    """Keep the text a Doc was made from (make_doc(text)): the same string as doc.text, without the join."""
    doc.user_data[_TEXT_KEY] = text


def token_table(doc: Doc) -> TokenTable:
    """The Doc's token table, built at the first call and kept in doc.user_data."""
    table = doc.user_data.get(_KEY)
    if table is None or len(table) != len(doc):
        table = doc.user_data[_KEY] = TokenTable(doc)
    return table
