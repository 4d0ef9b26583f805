"""Rich text as plain Unicode: the ``$...$`` math of captions, prose and proof steps read
the way one would type it in a terminal (``∂L/∂x``, ``y[m, n] = Σ_k x[k] h[m − k]``).

The terminal format, the SVG ``<title>`` (what screen readers say) and the alternative
text of Markdown images use it.  It reads the LaTeX that symconv writes, not all of
LaTeX: an unknown command keeps its name without the backslash, and
:data:`KNOWN_COMMANDS` lists what it understands (a test converts every caption and step
symconv writes and finds no backslash left).
"""

from __future__ import annotations

import re

from .tex import split_math

#: Commands written as one character (or a short word).
SYMBOLS = {
    "partial": "\u2202", "sum": "\u03a3", "prod": "\u03a0", "cdot": "\u00b7",
    "times": "\u00d7", "ast": "*", "star": "\u22c6", "circledast": "\u229b",
    "otimes": "\u2297", "le": "\u2264", "leq": "\u2264", "ge": "\u2265", "geq": "\u2265",
    "ne": "\u2260", "neq": "\u2260", "in": "\u2208", "notin": "\u2209", "to": "\u2192",
    "mapsto": "\u21a6", "rightarrow": "\u2192", "Rightarrow": "\u21d2",
    "Leftrightarrow": "\u21d4", "iff": "\u21d4", "implies": "\u21d2", "uparrow": "\u2191",
    "downarrow": "\u2193", "infty": "\u221e", "ldots": "\u2026", "dots": "\u2026",
    "cdots": "\u22ef", "dotsc": "\u2026", "dotsb": "\u22ef", "lfloor": "\u230a",
    "rfloor": "\u230b", "lceil": "\u2308", "rceil": "\u2309", "mid": "|", "lvert": "|",
    "rvert": "|", "vert": "|", "colon": ":", "forall": "\u2200", "exists": "\u2203",
    "land": "\u2227", "lor": "\u2228", "wedge": "\u2227", "vee": "\u2228", "neg": "\u00ac",
    "equiv": "\u2261", "approx": "\u2248", "pm": "\u00b1", "top": "\u1d40",
    "mathbb{Z}": "\u2124", "setminus": "\u2216", "cap": "\u2229", "cup": "\u222a",
    "subseteq": "\u2286", "emptyset": "\u2205", "varnothing": "\u2205", "bmod": "mod",
    "mod": "mod", "min": "min", "max": "max", "gcd": "gcd", "quad": "  ", "qquad": "    ",
    "alpha": "\u03b1", "beta": "\u03b2", "gamma": "\u03b3", "delta": "\u03b4",
    "sigma": "\u03c3", "tau": "\u03c4", "omega": "\u03c9", "pi": "\u03c0", "theta": "\u03b8",
    "lambda": "\u03bb", "mu": "\u03bc", "nu": "\u03bd", "rho": "\u03c1", "phi": "\u03c6",
    "psi": "\u03c8", "xi": "\u03be", "eta": "\u03b7", "kappa": "\u03ba", "Delta": "\u0394",
    "Sigma": "\u03a3", "Omega": "\u03a9", "ell": "\u2113", "prime": "\u2032",
    "left": "", "right": "", "big": "", "Big": "", "bigl": "", "bigr": "", "Bigl": "",
    "Bigr": "", "displaystyle": "", "textstyle": "", "nolimits": "", "limits": "",
    "qed": "\u220e", "square": "\u25a1", "checkmark": "\u2713", "lbrace": "{",
    "rbrace": "}", "langle": "\u27e8", "rangle": "\u27e9", "circ": "\u2218",
}
#: Relations and arrows: spaced on both sides, as TeX spaces them.
RELATIONS = frozenset(("le", "leq", "ge", "geq", "ne", "neq", "in", "notin", "to", "mapsto",
                       "rightarrow", "Rightarrow", "Leftrightarrow", "iff", "implies",
                       "equiv", "approx", "subseteq", "quad", "qquad"))
#: Symbols that bind to what follows (``\\partial L``, ``\\sum_k``): the space after
#: them goes.
PREFIXES = frozenset(("partial", "sum", "prod", "lfloor", "lceil", "langle", "lvert",
                      "neg", "left", "big", "Big", "bigl", "Bigl", "displaystyle", "Sigma",
                      "Delta"))
#: Commands whose one argument is kept as it is (fonts, colours' bodies, the notation).
KEEP_ARGUMENT = ("mathbf", "mathit", "mathrm", "mathsf", "mathtt", "boldsymbol", "text",
                 "textrm", "textit", "textbf", "emph", "operatorname", "arr", "ent", "idxm",
                 "idxn", "mbox", "underline", "boxed", "mathcal", "mathbb")
#: Spacing commands (``\\,``) and escaped characters.
ESCAPES = {",": " ", ";": " ", ":": " ", "!": "", " ": " ", "{": "{", "}": "}", "_": "_",
           "%": "%", "&": "&", "#": "#", "$": "$", "|": "\u2016"}
#: Every command the converter understands.
KNOWN_COMMANDS = frozenset(SYMBOLS) | frozenset(KEEP_ARGUMENT) | {
    "frac", "dfrac", "tfrac", "textcolor", "color", "overline", "hat", "tilde", "sqrt",
    "begin", "end", "hline", "cr", "phantom", "hphantom", "vphantom"}
_SUPERSCRIPTS = str.maketrans("0123456789+-()T", "\u2070\u00b9\u00b2\u00b3\u2074\u2075"
                              "\u2076\u2077\u2078\u2079\u207a\u207b\u207d\u207e\u1d40")


class _Reader:
    """A small recursive reader of LaTeX math: commands, groups, scripts."""

    def __init__(self, s: str) -> None:
        self.s = s
        self.k = 0

    def group(self) -> str:
        """The next argument: a braced group or one token, converted."""
        self.skip_spaces()
        if self.k >= len(self.s):
            return ""
        if self.s[self.k] == "{":
            depth, start = 0, self.k
            while self.k < len(self.s):
                ch = self.s[self.k]
                if ch == "\\":
                    self.k += 2
                    continue
                if ch == "{":
                    depth += 1
                elif ch == "}":
                    depth -= 1
                    if depth == 0:
                        self.k += 1
                        return convert(self.s[start + 1:self.k - 1])
                self.k += 1
            return convert(self.s[start + 1:])
        if self.s[self.k] == "\\":
            return self.command()
        ch = self.s[self.k]
        self.k += 1
        return ch

    def optional(self) -> str | None:
        self.skip_spaces()
        if self.k < len(self.s) and self.s[self.k] == "[":
            end = self.s.find("]", self.k)
            if end > 0:
                body = self.s[self.k + 1:end]
                self.k = end + 1
                return body
        return None

    def skip_spaces(self) -> None:
        while self.k < len(self.s) and self.s[self.k] == " ":
            self.k += 1

    def command(self) -> str:
        s = self.s
        self.k += 1  # the backslash
        if self.k >= len(s):
            return ""
        if not s[self.k].isalpha():
            ch = s[self.k]
            self.k += 1
            if ch == "\\":
                return "; "
            return ESCAPES.get(ch, ch)
        start = self.k
        while self.k < len(s) and s[self.k].isalpha():
            self.k += 1
        name = s[start:self.k]
        if name in PREFIXES:
            self.skip_spaces()  # TeX drops the space after a control word
        if name in ("frac", "dfrac", "tfrac"):
            num, den = self.group(), self.group()
            return f"{_wrap(num)}/{_wrap(den)}"
        if name in ("textcolor", "color"):
            self.optional()
            self.group()  # the colour
            return self.group() if name == "textcolor" else ""
        if name == "overline":
            return f"conj({self.group()})"
        if name in ("hat", "tilde"):
            return self.group() + ("\u0302" if name == "hat" else "\u0303")
        if name == "sqrt":
            return f"\u221a({self.group()})"
        if name in ("begin", "end"):
            self.group()
            return ""
        if name in ("phantom", "hphantom", "vphantom"):
            self.group()
            return ""
        if name in ("hline", "cr"):
            return ""
        if name in KEEP_ARGUMENT:
            return self.group()
        if name in SYMBOLS:
            out = SYMBOLS[name]
            if name in RELATIONS:
                return f" {out} "
            # A word-like operator stays apart from what follows (\bmod, \min).
            return out + " " if out.isalpha() and len(out) > 1 else out
        return name


def _wrap(s: str) -> str:
    """A fraction's part in parentheses when it has an operator in it."""
    return f"({s})" if re.search(r"[\s+\-\u2212\u00b7/]", s.strip()) else s.strip()


def _script(body: str, sup: bool) -> str:
    if sup:
        if body == "\u1d40":
            return body
        if body == "\u2218":
            return "\u00b0"  # 180^\circ
        if body and all(ch in "0123456789+-()T" for ch in body):
            return body.translate(_SUPERSCRIPTS)
        wrapped = len(body) == 1 or (body.startswith("(") and body.endswith(")"))
        return "^" + (body if wrapped else f"({body})")
    return "_" + (body if len(body) == 1 or body.isalnum() else "{" + body + "}")


def convert(latex: str) -> str:
    """One piece of LaTeX math as Unicode text.

    >>> convert(r"\\frac{\\partial L}{\\partial \\arr{x}[i]} = \\sum_{m} g[m]\\,h[m-i]")
    '∂L/∂x[i] = Σ_m g[m] h[m-i]'
    """
    r = _Reader(latex)
    out: list[str] = []
    while r.k < len(latex):
        ch = latex[r.k]
        if ch == "\\":
            out.append(r.command())
        elif ch in "^_":
            r.k += 1
            out.append(_script(r.group(), ch == "^"))
        elif ch == "{":
            out.append(r.group())
        elif ch == "}":
            r.k += 1
        elif ch == "&":
            r.k += 1
            out.append(" ")
        elif ch == "~":
            r.k += 1
            out.append(" ")
        else:
            out.append(ch)
            r.k += 1
    return re.sub(r"  +", " ", "".join(out)).replace(" ,", ",")


def plain(rich: str) -> str:
    """Rich text (``$...$`` math in prose) as one line of plain Unicode text.

    >>> plain(r"The patch of $\\arr{y}[0,0]$ with $K \\le N$.")
    'The patch of y[0,0] with K ≤ N.'
    """
    return "".join(convert(p) if is_math else p for is_math, p in split_math(rich))
