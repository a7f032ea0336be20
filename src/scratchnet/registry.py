"""One registry convention for every kind of building block.

Layers, activations, losses, optimizers, schedules, initializers and callbacks
all derive from :class:`Registered`. Defining a subclass registers it, under
``module.QualName`` always and, for scratchnet's own classes, under the class
name and the lower-case ``aliases`` users type (``"relu"``, ``"adam"``). So a
user's ``class Huber(sn.MSE)`` saves and loads like a built-in, once the class
is defined (imported) before the model file is read.

The configuration of an object is derived from its constructor: every
argument is stored as an attribute of the same name, and :meth:`get_config`
reads them back. A hyperparameter can therefore not be forgotten by the
serializer; a test checks the convention for every built-in. A registered
object inside another one (the activation of a ``Dense``, the schedule given
as an optimizer's ``lr``) is written as ``{"class": key, "config": {...}}``.
"""

import inspect
from collections.abc import Mapping

__all__ = ["Registry", "Registered", "serialize", "deserialize"]


class Registry(Mapping):
    """The classes of one kind (layers, losses ...), by name.

    Keys are the aliases and class names of the built-ins and the qualified
    ``module.QualName`` of every class. :meth:`lookup` is the forgiving door
    for names users type: case-insensitive, with the valid names in its error.
    """

    def __init__(self, kind):
        self.kind = kind
        self._classes = {}

    def add(self, cls):
        self._classes[qualified_name(cls)] = cls
        if cls.__module__.startswith("scratchnet.") and not cls.__name__.startswith("_"):
            self._classes[cls.__name__] = cls
            for alias in cls.__dict__.get("aliases", ()):
                self._classes[alias] = cls

    def remove(self, cls):
        """Forget ``cls`` under every name (undoes :meth:`add`)."""
        for name in [k for k, v in self._classes.items() if v is cls]:
            del self._classes[name]

    def key(self, cls):
        """The name a model file records for ``cls`` (short for built-ins)."""
        return cls.__name__ if self._classes.get(cls.__name__) is cls else qualified_name(cls)

    def lookup(self, name, owner=None, param=None):
        """The class registered as ``name``, ignoring case for short names.

        Raises
        ------
        ValueError
            Naming the valid choices, in the message shape of the argument
            checks when ``owner`` (the class or function asking) is given.
        """
        if isinstance(name, str):
            if name in self._classes:
                return self._classes[name]
            folded = {k.lower(): cls for k, cls in self._classes.items() if "." not in k}
            if name.lower() in folded:
                return folded[name.lower()]
        allowed = ", ".join(repr(n) for n in self.names())
        if owner is None:
            raise ValueError(f"unknown {self.kind} {name!r}; known: {allowed}. A custom "
                             f"{self.kind} must be defined (imported) before it is loaded.")
        raise ValueError(f"The '{param or self.kind}' parameter of {owner} must be one of {allowed} "
                         f"(any case) or a {self.kind} instance. Got {name!r} instead.")

    def names(self):
        """The lower-case names users may pass as strings."""
        return sorted({k for k in self._classes if k.islower() and "." not in k})

    def builtins(self):
        """scratchnet's own registered classes, each once, in definition order."""
        seen = []
        for key, cls in self._classes.items():
            if "." not in key and cls not in seen:
                seen.append(cls)
        return seen

    def __getitem__(self, key):
        return self._classes[key]

    def __iter__(self):
        return iter(self._classes)

    def __len__(self):
        return len(self._classes)

    def __repr__(self):
        return f"Registry({self.kind!r}, {self.names()})"


def qualified_name(cls):
    return f"{cls.__module__}.{cls.__qualname__}"


class Registered:
    """Base of every registered kind: registration on subclassing, config from the constructor.

    A kind's base class sets ``registry``; every subclass is added to the
    registry of each base that declares one (an activation is also a layer).
    """

    #: Set by the base class of each kind.
    registry = None
    #: Lower-case names a built-in answers to, e.g. ``("relu",)``.
    aliases = ()
    #: True in the body of a base class that is not itself registered.
    abstract = False

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        for base in cls.__mro__:
            registry = base.__dict__.get("registry")
            if registry is not None and base is not cls and not cls.__dict__.get("abstract"):
                registry.add(cls)

    @classmethod
    def config_parameters(cls):
        """The constructor's parameter names, in order (the keys of the config)."""
        signature = inspect.signature(cls.__init__)
        return [name for name, p in signature.parameters.items()
                if name != "self" and p.kind not in (p.VAR_POSITIONAL, p.VAR_KEYWORD)]

    def get_config(self):
        """Constructor arguments, JSON-serializable: ``type(self).from_config(config)`` rebuilds it."""
        return {name: _encode(getattr(self, name)) for name in self.config_parameters()}

    @classmethod
    def from_config(cls, config):
        return cls(**{name: _decode(value) for name, value in config.items()})

    def __repr__(self):
        defaults = {name: p.default for name, p in
                    inspect.signature(type(self).__init__).parameters.items()}
        args = []
        for name in self.config_parameters():
            value = getattr(self, name)
            default = defaults.get(name, inspect.Parameter.empty)
            if default is inspect.Parameter.empty or not _same(value, default):
                args.append(f"{name}={value!r}")
        return f"{type(self).__name__}({', '.join(args)})"


def _same(value, default):
    try:
        return bool(value == default) and type(value) is type(default)
    except (TypeError, ValueError):
        return False


#: Every registry, by kind: where ``deserialize`` looks a ``{"class": ...}`` up.
REGISTRIES = {}


def registry_for(kind):
    """The registry of ``kind``, created on first use (one per kind)."""
    return REGISTRIES.setdefault(kind, Registry(kind))


def serialize(obj):
    """``{"kind", "class", "config"}`` for a registered object (JSON-serializable)."""
    registry = type(obj).registry
    return {"kind": registry.kind, "class": registry.key(type(obj)), "config": obj.get_config()}


def deserialize(spec, kind=None):
    """Rebuild an object from :func:`serialize`'s output."""
    kind = spec.get("kind", kind)
    if kind not in REGISTRIES:
        raise ValueError(f"unknown kind of object {kind!r}; known: {sorted(REGISTRIES)}")
    cls = REGISTRIES[kind].lookup(spec["class"])
    return cls.from_config(spec.get("config", {}))


def _encode(value):
    if isinstance(value, Registered):
        return serialize(value)
    if isinstance(value, (list, tuple)):
        return [_encode(v) for v in value]
    return value


def _decode(value):
    if isinstance(value, dict) and {"kind", "class"} <= set(value):
        return deserialize(value)
    if isinstance(value, list):
        return [_decode(v) for v in value]
    return value
