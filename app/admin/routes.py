"""Admin pages: accounts list, create, roles, functions, (de)activation."""
from flask import flash, redirect, request, url_for
from flask_login import current_user

from app.admin import bp, services
from app.admin.forms import AccessForm, UserForm
from app.auth import access, services as accounts
from app.auth.permissions import role_required
from app.models import User
from app.web import render


def _user_in_region(user_id: int) -> User:
    return access.get_or_404(User, user_id)


def _function_choices():
    return [(str(f.id), f"{f.code} — {f.name}") for f in services.region_functions(current_user.region_id)]


def _access_form(person: User, prefill: bool) -> AccessForm:
    form = AccessForm()
    form.functions.choices = form.on_duty.choices = _function_choices()
    if prefill:
        form.roles.data = sorted(person.roles)
        form.functions.data = [str(r.function_id) for r in person.function_rows]
        form.on_duty.data = [str(r.function_id) for r in person.function_rows if r.on_duty]
    return form


@bp.route("")
@role_required("admin")
def index():
    query = request.args.get("q", "")[:100]
    users = services.list_users(current_user.region_id, query)
    return render("admin/index.html", "admin/_user_list.html", users=users, q=query)


@bp.route("/users/new", methods=["GET", "POST"])
@role_required("admin")
def create_user():
    form = UserForm()
    form.functions.choices = _function_choices()
    if form.validate_on_submit():
        codes = [f.code for f in services.region_functions(current_user.region_id)
                 if str(f.id) in form.functions.data]
        try:
            user = accounts.create_user(form.email.data, form.name.data, form.roles.data, codes,
                                        region=current_user.region, actor=current_user)
        except accounts.AccountError as exc:
            form.form_errors.append(str(exc))
        else:
            from app.auth.reset import send_set_password_link
            send_set_password_link(user)
            flash(f"Account voor {user.name} aangemaakt. Een link om een wachtwoord te kiezen is verstuurd.",
                  "success")
            return redirect(url_for("admin.user", user_id=user.id))
    return render("admin/create.html", status=422 if request.method == "POST" else 200, form=form)


@bp.route("/users/<int:user_id>", methods=["GET", "POST"])
@role_required("admin")
def user(user_id):
    person = _user_in_region(user_id)
    form = _access_form(person, prefill=request.method == "GET")
    if form.validate_on_submit():
        try:
            accounts.set_roles(person, form.roles.data, actor=current_user)
        except accounts.AccountError as exc:
            form.form_errors.append(str(exc))
        else:
            services.set_functions(person, [int(i) for i in form.functions.data],
                                   [int(i) for i in form.on_duty.data], actor=current_user)
            flash("Wijzigingen opgeslagen.", "success")
            return redirect(url_for("admin.user", user_id=person.id))
    return render("admin/user.html", status=422 if request.method == "POST" else 200,
                  person=person, form=form, since_errors={}, since_values={})


@bp.route("/users/<int:user_id>/since", methods=["POST"])
@role_required("admin")
def set_since(user_id):
    person = _user_in_region(user_id)
    texts = {r.function_id: request.form.get(f"since-{r.function_id}", "")[:40] for r in person.function_rows}
    changed, errors = services.set_since(person, texts, actor=current_user)
    if errors:
        return render("admin/user.html", status=422, person=person, form=_access_form(person, prefill=True),
                      since_errors=errors, since_values=texts)
    flash("'In functie sinds' opgeslagen." if changed else "Er was niets veranderd.", "success")
    return redirect(url_for("admin.user", user_id=person.id) + "#sinds")


@bp.route("/users/<int:user_id>/details", methods=["POST"])
@role_required("admin")
def set_details(user_id):
    person = _user_in_region(user_id)
    try:
        changed = services.set_details(person, request.form.get("name", ""), request.form.get("email", ""),
                                       actor=current_user)
    except accounts.AccountError as exc:
        flash(str(exc), "error")
    else:
        flash("Naam en e-mailadres opgeslagen." if changed else "Er was niets veranderd.", "success")
    return redirect(url_for("admin.user", user_id=person.id) + "#gegevens")


@bp.route("/users/<int:user_id>/active", methods=["POST"])
@role_required("admin")
def set_active(user_id):
    person = _user_in_region(user_id)
    activate = request.form.get("active") == "1"
    if person.id == current_user.id and not activate:
        flash("Je kunt je eigen account niet op non-actief zetten.", "error")
    else:
        accounts.set_active(person, activate, actor=current_user)
        flash(f"{person.name} is {'weer actief' if activate else 'op non-actief gezet; alle sessies zijn beëindigd'}.",
              "success")
    return redirect(url_for("admin.user", user_id=person.id))


@bp.route("/mail")
@role_required("admin")
def mail():
    return render("admin/mail.html", **services.mail_problems(current_user.region_id))


@bp.route("/audit")
@role_required("admin")
def audit_log():
    person, action = request.args.get("person", "")[:100], request.args.get("action", "")[:60]
    return render("admin/audit.html", "admin/_audit_rows.html", person=person, action=action,
                  actions=services.audit_actions(),
                  rows=services.audit_entries(current_user.region_id, person, action))
