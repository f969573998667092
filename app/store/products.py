"""Products as they were: each record names the hash of its product's definition, and the
definition is kept, so editing a product file later cannot change what an old record means."""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from app.domain.product import Product
from app.store.tables import ProductVersion


def product_definition(product: Product) -> str:
    """The product's canonical JSON (sorted keys, no blanks): the same text for the same
    product on every machine."""
    return json.dumps(product.model_dump(mode="json"), sort_keys=True, separators=(",", ":"),
                      ensure_ascii=False)


def product_hash(product: Product) -> str:
    return hashlib.sha256(product_definition(product).encode("utf-8")).hexdigest()


def remember_product(session: Session, product: Product) -> str:
    """The hash of ``product``, its definition stored once. Within one session a product
    object is hashed once (an import records every line of the same few products)."""
    known = session.info.setdefault("product_hashes", {})
    seen = known.get(id(product))
    if seen is not None and seen[0] is product:
        return seen[1]
    digest = product_hash(product)
    known[id(product)] = (product, digest)
    if session.get(ProductVersion, digest) is None:
        try:
            with session.begin_nested():  # another rep may store the same version meanwhile
                session.add(ProductVersion(hash=digest, product_id=product.id,
                                           definition=product_definition(product),
                                           first_seen=datetime.now(UTC)))
        except IntegrityError:
            pass
    return digest


def product_version(session: Session, digest: str) -> Product:
    """The product as it was when the record naming ``digest`` was made."""
    row = session.get(ProductVersion, digest)
    if row is None:
        raise KeyError(digest)
    return Product.model_validate_json(row.definition)
