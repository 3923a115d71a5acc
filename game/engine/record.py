"""`Record`: a frozen value class written out, behaving as `@dataclass(frozen=True, slots=True)` does.

Making a dataclass compiles its methods from source as the module is imported: about 4 ms of CPU for the
story's classes alone, on every start, on the way to the title screen (bench/bench_startup.py). A record's
methods are ordinary code, compiled once into the module's cached bytecode. Each subclass writes its own
`__init__` (setting its fields with `object.__setattr__`, as a frozen dataclass does) and names its fields,
in `__init__`'s order, in `__match_args__`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import FrozenInstanceError
from operator import attrgetter
from typing import Any, ClassVar


def _no_fields(_: object) -> tuple[object, ...]:
    return ()


class Record:
    """Compared, hashed, ordered (`ORDERED`) and shown by its fields; frozen; pickled as its class and fields.

    `COMPARED`: the fields equality, hashing and the repr look at (a dataclass's `compare=False, repr=False`
    fields are left out of it); all of `__match_args__` unless a subclass says otherwise.
    """

    __slots__ = ()
    __match_args__: ClassVar[tuple[str, ...]] = ()
    COMPARED: ClassVar[tuple[str, ...] | None] = None
    ORDERED: ClassVar[bool] = False
    _all: ClassVar[Callable[[Any], tuple[object, ...]]] = _no_fields
    _compared: ClassVar[Callable[[Any], tuple[object, ...]]] = _no_fields

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        cls._all = _getter(cls.__match_args__)
        cls._compared = _getter(cls.COMPARED if cls.COMPARED is not None else cls.__match_args__)

    def __eq__(self, other: object) -> bool:
        if other.__class__ is not self.__class__:
            return NotImplemented
        compared = type(self)._compared
        return compared(self) == compared(other)

    def __hash__(self) -> int:
        return hash(type(self)._compared(self))

    def __lt__(self, other: object) -> bool:
        if other.__class__ is not self.__class__ or not self.ORDERED:
            return NotImplemented
        compared = type(self)._compared
        return compared(self) < compared(other)

    def __le__(self, other: object) -> bool:
        if other.__class__ is not self.__class__ or not self.ORDERED:
            return NotImplemented
        compared = type(self)._compared
        return compared(self) <= compared(other)

    def __gt__(self, other: object) -> bool:
        if other.__class__ is not self.__class__ or not self.ORDERED:
            return NotImplemented
        compared = type(self)._compared
        return compared(self) > compared(other)

    def __ge__(self, other: object) -> bool:
        if other.__class__ is not self.__class__ or not self.ORDERED:
            return NotImplemented
        compared = type(self)._compared
        return compared(self) >= compared(other)

    def __repr__(self) -> str:
        names = self.COMPARED if self.COMPARED is not None else self.__match_args__
        shown = ", ".join(f"{name}={getattr(self, name)!r}" for name in names)
        return f"{type(self).__qualname__}({shown})"

    def __setattr__(self, name: str, value: object) -> None:
        raise FrozenInstanceError(f"cannot assign to field {name!r}")

    def __delattr__(self, name: str) -> None:
        raise FrozenInstanceError(f"cannot delete field {name!r}")

    def __reduce__(self) -> tuple[Callable[..., object], tuple[object, ...]]:
        # the class called with its fields: no state to set afterwards on a frozen, slotted object
        return (type(self), type(self)._all(self))


def _getter(names: tuple[str, ...]) -> Callable[[Any], tuple[object, ...]]:
    """The fields named, as a tuple (attrgetter gives a bare value for one name)."""
    if not names:
        return _no_fields
    if len(names) == 1:
        one = attrgetter(names[0])
        return lambda record: (one(record),)
    return attrgetter(*names)


__all__ = ["Record"]
