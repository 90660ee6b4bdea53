"""Reading pages as a browser would: their links, and their forms with the fields a browser
would send if the reader changed nothing."""

from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

# What a browser sends from an <input> of these types only when the reader ticks or clicks it.
TICKED = {"checkbox", "radio"}
NEVER_SENT = {"submit", "button", "image", "reset", "file"}


@dataclass
class Form:
    """A form of a page: where and how it is sent, and its fields."""

    action: str  # path and query, resolved against the page's address
    method: str  # GET or POST
    defaults: list[tuple[str, str]] = field(default_factory=list)  # sent unchanged, in order
    kinds: dict[str, str] = field(default_factory=dict)  # every named field: input type or tag
    required: set[str] = field(default_factory=set)
    options: dict[str, list[str]] = field(default_factory=dict)  # a select's values


@dataclass
class Page:
    links: list[str] = field(default_factory=list)
    forms: list[Form] = field(default_factory=list)


def read_page(address: str, html: str) -> Page:
    """The links and forms of `html`, served at `address`; links to other sites are left out."""
    reader = _PageReader(address)
    reader.feed(html)
    reader.close()
    return reader.page


def local_address(base: str, href: str) -> str | None:
    """`href` as a path and query on this site, or None for another site, mailto: and the like."""
    parts = urlsplit(urljoin(f"http://localhost{base}", href.strip()))
    if parts.scheme not in ("http", "https") or parts.netloc != "localhost":
        return None
    return parts.path + (f"?{parts.query}" if parts.query else "")


class _PageReader(HTMLParser):
    def __init__(self, address: str) -> None:
        super().__init__(convert_charrefs=True)
        self.address = address
        self.page = Page()
        self._form: Form | None = None
        # name, multiple, the options' values, the indexes of those selected
        self._select: tuple[str, bool, list[str], list[int]] | None = None
        self._option: list[str] | None = None  # the text of an <option> without a value
        self._textarea: tuple[str, list[str]] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = {name: value or "" for name, value in attrs}
        if tag == "a" and attributes.get("href"):
            self._link(attributes["href"])
        elif tag == "form":
            action = local_address(self.address, attributes.get("action") or self.address)
            method = (attributes.get("method") or "get").upper()
            self._form = Form(action or self.address, method)
            self.page.forms.append(self._form)
        elif self._form is None or tag not in ("input", "select", "option", "textarea"):
            return
        elif tag == "option" and self._select is not None:
            self._add_option(attributes)
        elif attributes.get("name"):
            self._field(tag, attributes)

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._form = None
        elif tag == "option" and self._option is not None and self._select is not None:
            self._select[2][-1] = "".join(self._option).strip()
            self._option = None
        elif tag == "select" and self._select is not None and self._form is not None:
            name, multiple, options, selected = self._select
            self._form.options.setdefault(name, []).extend(options)
            chosen = [options[index] for index in selected] or ([] if multiple else options[:1])
            self._form.defaults.extend((name, value) for value in chosen)
            self._select = None
        elif tag == "textarea" and self._textarea is not None and self._form is not None:
            name, parts = self._textarea
            text = "".join(parts).replace("\r\n", "\n")
            # A browser drops the line break that follows <textarea> at once.
            self._form.defaults.append((name, text.removeprefix("\n")))
            self._textarea = None

    def handle_data(self, data: str) -> None:
        if self._textarea is not None:
            self._textarea[1].append(data)
        elif self._option is not None:
            self._option.append(data)

    def _link(self, href: str) -> None:
        address = local_address(self.address, href)
        if address is not None:
            self.page.links.append(address)

    def _field(self, tag: str, attributes: dict[str, str]) -> None:
        name = attributes["name"]
        kind = attributes.get("type", "text").lower() if tag == "input" else tag
        if kind in NEVER_SENT:
            return
        self._form.kinds.setdefault(name, kind)
        if "required" in attributes:
            self._form.required.add(name)
        if tag == "select":
            self._select = (name, "multiple" in attributes, [], [])
        elif tag == "textarea":
            self._textarea = (name, [])
        elif kind not in TICKED or "checked" in attributes:
            self._form.defaults.append(
                (name, attributes.get("value", "on" if kind in TICKED else ""))
            )

    def _add_option(self, attributes: dict[str, str]) -> None:
        options, selected = self._select[2], self._select[3]
        options.append(attributes.get("value", ""))
        if "value" not in attributes:
            self._option = []
        if "selected" in attributes:
            selected.append(len(options) - 1)
