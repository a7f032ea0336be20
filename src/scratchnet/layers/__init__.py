"""Layers: each a small class with ``forward``/``backward`` and its math in the docstring."""

from .activations import (ACTIVATIONS, Activation, Identity, LeakyReLU, ReLU, Sigmoid, Softmax,
                          Tanh, get_activation)
from .base import LAYERS, Layer, get_layer_class
from .batchnorm import BatchNorm
from .dense import Dense
from .dropout import Dropout
from .smooth import ELU, GELU, SiLU, Softplus, Swish

__all__ = ["Layer", "Activation", "Dense", "ReLU", "LeakyReLU", "Sigmoid", "Tanh", "Softmax", "Identity",
           "Dropout", "ACTIVATIONS", "LAYERS", "get_activation", "get_layer_class",
           "GELU", "SiLU", "Swish", "ELU", "Softplus", "BatchNorm"]
