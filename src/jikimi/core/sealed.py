"""`Sealed`: a model attribute whose column holds the value encrypted (see crypto)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Generic, TypeVar, overload

from jikimi.core import sealing as crypto

T = TypeVar("T")


class Sealed(Generic[T]):
    """Reads decrypt, writes encrypt, bound to `table.attribute:record id`.

    With `index=`, a write also stores the value's keyed hash in that column, so the value
    can be looked up (phone numbers) without being stored readable.
    """

    def __init__(
        self,
        column: str,
        decode: Callable[[str], T],
        encode: Callable[[T], str] = str,
        index: str | None = None,
    ) -> None:
        self.column, self.decode, self.encode, self.index = column, decode, encode, index
        self.name = column

    def __set_name__(self, owner: type, name: str) -> None:
        self.name = name

    def aad(self, obj: Any) -> str:
        """The associated data: which table, attribute and record the value belongs to."""
        return f"{obj.__tablename__}.{self.name}:{obj.id}"

    @overload
    def __get__(self, obj: None, objtype: type | None = None) -> Sealed[T]: ...

    @overload
    def __get__(self, obj: object, objtype: type | None = None) -> T | None: ...

    def __get__(self, obj: object | None, objtype: type | None = None) -> Sealed[T] | T | None:
        if obj is None:
            return self
        plain = crypto.ring().open(getattr(obj, self.column), self.aad(obj))
        return None if plain is None else self.decode(plain)

    def __set__(self, obj: object, value: T | None) -> None:
        if getattr(obj, "id", None) is None:
            raise RuntimeError("a sealed value needs its record's id first")
        plain = None if value is None else self.encode(value)
        setattr(obj, self.column, crypto.ring().seal(plain, self.aad(obj)))
        if self.index is not None:
            setattr(obj, self.index, None if plain is None else crypto.ring().index(plain))


def sealed_attributes(model: type) -> list[Sealed[Any]]:
    """The sealed attributes of a model class."""
    return [v for v in vars(model).values() if isinstance(v, Sealed)]


class SealedRequired(Sealed[T]):
    """A sealed attribute whose column is NOT NULL: reads give a value, never None."""

    @overload
    def __get__(self, obj: None, objtype: type | None = None) -> SealedRequired[T]: ...

    @overload
    def __get__(self, obj: object, objtype: type | None = None) -> T: ...

    def __get__(self, obj: object | None, objtype: type | None = None) -> SealedRequired[T] | T:
        if obj is None:
            return self
        value = super().__get__(obj, objtype)
        if value is None:
            raise RuntimeError(f"{self.name} is required but empty")
        return value
