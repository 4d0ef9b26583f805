"""Documents: a title and blocks, each a reading of the model, that every renderer prints."""

from .blocks import (
    FIGURES,
    Block,
    CheckBlock,
    ComparisonBlock,
    DerivationBlock,
    Document,
    Equations,
    ExpansionBlock,
    Heading,
    Paragraph,
    PoolingBlock,
)

__all__ = ["FIGURES", "Block", "CheckBlock", "ComparisonBlock", "DerivationBlock", "Document",
           "Equations", "ExpansionBlock", "Heading", "Paragraph", "PoolingBlock"]
