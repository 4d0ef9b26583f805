"""Rich text that a user supplies (a derivation file's titles and paragraphs, a document
built in Python): plain text with ``$...$`` math, checked before it reaches any renderer.

The math reaches LaTeX as written, so it is held to a whitelist: known math commands only
(no ``\\input``, ``\\end{document}``, ``\\def``, ``\\catcode``, ``\\write``...), environments
only of the matrix family, balanced braces, no ``#`` (macro parameters) or ``%`` (a comment
would swallow the closing dollar), no ``&`` or ``\\\\`` outside a matrix.  Text and math
both refuse control characters.  Renderers escape the text and the Markdown renderer writes
``<`` and ``>`` of math as ``\\lt``/``\\gt``, so nothing in it is HTML.
"""

from __future__ import annotations

import re
import unicodedata

from ..errors import InputError
from ..limits import MAX_TEXT

_GREEK = (
    "alpha beta gamma delta epsilon varepsilon zeta eta theta vartheta iota kappa lambda mu "
    "nu xi pi varpi rho varrho sigma varsigma tau upsilon phi varphi chi psi omega Gamma "
    "Delta Theta Lambda Xi Pi Sigma Upsilon Phi Psi Omega"
)
_SYMBOLS = (
    "sum prod int oint lim limsup liminf max min sup inf log ln exp sin cos tan det dim ker "
    "deg arg mod bmod pmod gcd Pr "
    "le ge leq geq neq ne lt gt ll gg approx equiv sim simeq cong propto in notin ni subset "
    "subseteq supset supseteq to mapsto rightarrow leftarrow Rightarrow Leftarrow iff implies "
    "Leftrightarrow leftrightarrow longrightarrow longmapsto uparrow downarrow "
    "cdot cdots ldots dots vdots ddots times ast star circ bullet pm mp div oplus otimes "
    "odot ominus circledast nabla partial infty forall exists nexists neg lnot land lor "
    "wedge vee cap cup bigcap bigcup setminus emptyset varnothing top bot intercal dagger "
    "prime ell Re Im hbar aleph mid nmid parallel perp colon backslash "
    "lceil rceil lfloor rfloor langle rangle lvert rvert lVert rVert vert Vert lbrace rbrace "
    "lbrack rbrack"
)
_FORMAT = (
    "frac dfrac tfrac sqrt binom left right middle big Big bigg Bigg bigl bigr Bigl Bigr "
    "mathbf mathit mathrm mathsf mathtt mathcal mathbb boldsymbol operatorname text textrm "
    "textbf textit texttt overline underline hat tilde bar vec dot ddot widehat widetilde "
    "overbrace underbrace overset underset stackrel not quad qquad displaystyle textstyle "
    "scriptstyle limits nolimits begin end"
)
#: symconv's notation macros (expanded by every renderer for its style).
_NOTATION = "arr ent idxm idxn"
#: Every command paragraph math may use.
MATH_COMMANDS = frozenset((_GREEK + " " + _SYMBOLS + " " + _FORMAT + " " + _NOTATION).split())
#: Environments math may open (matrices and cases).
MATH_ENVIRONMENTS = frozenset(
    "matrix pmatrix bmatrix vmatrix Vmatrix smallmatrix cases array aligned".split())
#: One-character escapes: spacing, braces and escaped specials.
_ESCAPED = set(",;:! {}|_%&#$")
_TOKEN = re.compile(r"\\([A-Za-z]+|.)|([{}#%&])", re.S)


def check_rich_text(text: object, what: str = "text") -> str:
    """``text`` if it is safe rich text, else one :class:`InputError` line saying why."""
    if not isinstance(text, str):
        raise InputError(f"{what} must be text, got {type(text).__name__}")
    if len(text) > MAX_TEXT:
        raise InputError(f"{what} is {len(text):,} characters long, over the limit of "
                         f"{MAX_TEXT:,}")
    for pos, ch in enumerate(text):
        if ch != "\n" and unicodedata.category(ch) in ("Cc", "Cs", "Co"):
            raise InputError(f"{what}: control character U+{ord(ch):04X} at column "
                             f"{pos + 1}")
    for is_math, piece in split_math(text):  # as every renderer reads it
        if is_math:
            check_math(piece, what)
    return text


def split_math(s: str) -> list[tuple[bool, str]]:
    """(is_math, piece) of rich text: ``$...$`` spans are math; ``\\$`` is a dollar sign
    in the text.  Unbalanced dollars make it all text."""
    parts = re.split(r"(?<!\\)\$", s)
    if len(parts) % 2 == 0:
        return [(False, s.replace(r"\$", "$"))]
    return [(k % 2 == 1, p if k % 2 else p.replace(r"\$", "$"))
            for k, p in enumerate(parts) if p]


def check_math(latex: str, what: str = "text") -> None:
    """Refuse math that could do more than typeset (see the module's note)."""
    if "^^" in latex:
        # TeX reads ^^5c as a backslash (and ^^ plus any two hex digits or one character as
        # another character) before any command is seen: ^^5cinput{...} is \input{...}
        raise _bad(what, latex, "TeX's ^^ character notation is not allowed (write x^{2}, a "
                   "superscript of a superscript needs braces)")
    depth = 0
    envs: list[str] = []
    for m in _TOKEN.finditer(latex):
        cmd, special = m.group(1), m.group(2)
        if special == "{":
            depth += 1
        elif special == "}":
            depth -= 1
            if depth < 0:
                raise _bad(what, latex, "a '}' closes nothing")
        elif special in ("#", "%"):
            raise _bad(what, latex, f"{special!r} is not allowed in math")
        elif special == "&":
            if not envs:
                raise _bad(what, latex, "'&' outside a matrix")
        elif cmd is not None:
            if cmd == "\\":
                if not envs:
                    raise _bad(what, latex, "a line break (\\\\) outside a matrix")
            elif len(cmd) == 1 and not cmd.isalpha():
                if cmd not in _ESCAPED:
                    raise _bad(what, latex, f"unknown command \\{cmd}")
            elif cmd not in MATH_COMMANDS:
                raise _bad(what, latex, f"the command \\{cmd} is not allowed (math "
                           "commands only)")
            elif cmd in ("begin", "end"):
                env = re.match(r"\{([A-Za-z*]+)\}", latex[m.end():])
                if env is None or env.group(1) not in MATH_ENVIRONMENTS:
                    raise _bad(what, latex, f"\\{cmd} takes a matrix environment only "
                               f"({', '.join(sorted(MATH_ENVIRONMENTS))})")
                if cmd == "begin":
                    envs.append(env.group(1))
                elif not envs or envs.pop() != env.group(1):
                    raise _bad(what, latex, f"\\end{{{env.group(1)}}} closes nothing")
    if depth:
        raise _bad(what, latex, "a '{' is never closed")
    if envs:
        raise _bad(what, latex, f"\\begin{{{envs[-1]}}} is never closed")


def _bad(what: str, latex: str, why: str) -> InputError:
    shown = latex if len(latex) <= 40 else latex[:37] + "..."
    return InputError(f"{what}: math ${shown}$: {why}")
