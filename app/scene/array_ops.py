"""The array functions a shading formula written once for numpy and for Dr.Jit calls through:
``NUMPY`` here, Dr.Jit's from ``app.photoreal.plugins.jit_ops`` (the still's plugins)."""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np

NUMPY = SimpleNamespace(sqrt=np.sqrt, cos=np.cos, exp=np.exp, power=np.power, where=np.where,
                        clip=np.clip, maximum=np.maximum)
