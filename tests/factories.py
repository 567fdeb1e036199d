"""Small factories for test data: each makes exactly what a test names, nothing more."""
from itertools import count

from app.auth.passwords import hash_password
from app.extensions import db
from app.models import ActivityKind, Competency, Function, Norm, Region, User, UserFunction, UserRole

PASSWORD = "correct horse battery"
_seq = count(1)
_HASH = None


def _password_hash():
    global _HASH  # hashing is slow on purpose; tests share one hash of the same password
    if _HASH is None:
        _HASH = hash_password(PASSWORD)
    return _HASH


def region(code="twente") -> Region:
    found = db.session.scalar(db.select(Region).filter_by(code=code))
    if found:
        return found
    obj = Region(code=code, name=f"Veiligheidsregio {code.title()}")
    db.session.add(obj)
    db.session.flush()
    return obj


def function(code="OL", name=None, is_key=True, reg=None) -> Function:
    reg = reg or region()
    found = db.session.scalar(db.select(Function).filter_by(region_id=reg.id, code=code))
    if found:
        return found
    obj = Function(region_id=reg.id, code=code, name=name or f"Functie {code}", is_key=is_key)
    db.session.add(obj)
    db.session.flush()
    return obj


def competency(code="crisisdiagnose", name=None, reg=None) -> Competency:
    reg = reg or region()
    found = db.session.scalar(db.select(Competency).filter_by(region_id=reg.id, code=code))
    if found:
        return found
    obj = Competency(region_id=reg.id, code=code, name=name or code.replace("-", " ").capitalize())
    db.session.add(obj)
    db.session.flush()
    return obj


def activity_kind(code="multi_exercise", name=None, reg=None) -> ActivityKind:
    reg = reg or region()
    found = db.session.scalar(db.select(ActivityKind).filter_by(region_id=reg.id, code=code))
    if found:
        return found
    obj = ActivityKind(region_id=reg.id, code=code, name=name or code)
    db.session.add(obj)
    db.session.flush()
    return obj


def norm(function_code="OL", kind="multi_exercise", year=2026, period="per_year", count_=2,
         weeks=None, or_when_on_duty=False) -> Norm:
    fn, ak = function(function_code), activity_kind(kind)
    obj = Norm(region_id=fn.region_id, year=year, function_id=fn.id, activity_kind_id=ak.id,
               period=period, count=count_, weeks=weeks, or_when_on_duty=or_when_on_duty)
    db.session.add(obj)
    db.session.commit()
    return obj


def user(email=None, name=None, roles=("functionary",), functions=("OL",), on_duty=False,
         active=True, reg=None) -> User:
    reg = reg or region()
    n = next(_seq)
    obj = User(email=email or f"user{n}@example.nl", name=name or f"Gebruiker {n}", region=reg,
               password_hash=_password_hash(), active=active)
    obj.role_rows = [UserRole(role=r) for r in roles]
    obj.function_rows = [UserFunction(function=function(c, reg=reg), on_duty=on_duty) for c in functions]
    db.session.add(obj)
    db.session.commit()
    return obj


def logged_in_functionary(auth, email="sanne@example.nl") -> User:
    """An OL functionary of a region that offers the competency leiderschap, logged in through the form."""
    competency("leiderschap")
    person = user(email=email, functions=("OL",))
    auth.login(email)
    return person
