from flask import (
    Blueprint,
    current_app,
    flash,
    g,
    make_response,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_limiter import RequestLimit
from flask_login import current_user, login_user, logout_user

from trainer.auth import resets, service
from trainer.auth.access import login_required, next_from_request, public, safe_next
from trainer.auth.forms import (
    ChangePasswordForm,
    LoginForm,
    ResetWithCodeForm,
    ResetWithLinkForm,
)
from trainer.extensions import limiter
from trainer.i18n import format_moment

bp = Blueprint("auth", __name__, url_prefix="/auth")

AUTH_MESSAGES = {
    "bad-credentials": _l(
        "The employee number/e-mail or the password is wrong. Check both and try again."
    ),
    "deactivated": _l(
        "This account has been deactivated. If you still work here, ask HR to reactivate it."
    ),
    "wrong-current-password": _l("Your current password is not right."),
    "too-short": _l(
        "The new password is too short: use at least %(num)d characters.",
        num=service.MIN_PASSWORD_LENGTH,
    ),
    "same-as-login": _l("Do not use your employee number or e-mail as the password."),
    "unchanged": _l("The new password must differ from the current one."),
    "no-roles": _l(
        "This account has no role any more, so there is nothing to sign in to. "
        "If you still work here, ask HR to give you a role."
    ),
    "reset-invalid": _l(
        "This reset link or code has expired, was already used or was "
        "replaced by a newer one. Ask HR for a new one."
    ),
}
INVITATION_CLOSED = {
    "used": _l(
        "This sign-in link has already been used (or HR sent you a newer one). If you chose "
        "your password, sign in with your employee number and that password; otherwise ask "
        "HR for a new invitation."
    ),
    "expired": _l(
        "This sign-in link has expired. Ask HR or your store manager for a new invitation."
    ),
    "unknown": _l(
        "This sign-in link is not valid. Check that you copied all of it, or ask HR for a "
        "new invitation."
    ),
}


def _login_account_key() -> str:
    return "account:" + (request.form.get("login") or "").strip().lower()


def _sign_in_failed(response) -> bool:
    return response.status_code == 401


def _valid_credentials() -> bool:
    """The per-address limit slows guessing down but never refuses the right password:
    behind one proxy or shop router, one person's guessing must not lock everyone out. The
    result is kept for the view, so the password is checked once."""
    if request.method != "POST":
        return False
    try:
        g.sign_in = service.authenticate(
            request.form.get("login", ""), request.form.get("password", "")
        )
    except service.AuthError as error:
        g.sign_in = error
        return False
    return True


def _account_limit() -> RequestLimit | None:
    for found in limiter.current_limits:
        # RequestLimit.key (documented) ends ".../<scope>/<amount>/<multiples>/<granularity>",
        # the scope being "auth.login:login-account"; the typed login comes before it, so a
        # login that contains the scope's name cannot be taken for it.
        scope = found.key.rsplit("/", 4)[-4] if found.key.count("/") >= 4 else ""
        if scope.endswith(":login-account"):
            return found
    return None


def _account_limit_amount() -> int:
    found = _account_limit()
    return found.limit.amount if found else 0


def _this_failure_locks_the_account() -> bool:
    """A failed sign-in is counted after the response (deduct_when), so the failure that
    uses up the account's last try is the one made with exactly one try left."""
    found = _account_limit()
    return found is not None and found.remaining == 1


@bp.route("/login", methods=["GET", "POST"])
@public
@limiter.limit(
    lambda: current_app.config["LOGIN_LIMIT_PER_ADDRESS"],
    methods=["POST"],
    deduct_when=_sign_in_failed,
    exempt_when=_valid_credentials,
    scope="login-address",
)
@limiter.limit(
    lambda: current_app.config["LOGIN_LIMIT_PER_ACCOUNT"],
    methods=["POST"],
    key_func=_login_account_key,
    deduct_when=_sign_in_failed,
    scope="login-account",
)
def login():
    if current_user.is_authenticated:
        return redirect(next_from_request() or url_for("main.home"))
    form = LoginForm()
    if request.method == "GET":
        form.next.data = next_from_request() or ""
    status = 200
    if form.validate_on_submit():
        try:
            signed_in = g.pop("sign_in", None) or service.authenticate(
                form.login.data, form.password.data
            )
            if isinstance(signed_in, service.AuthError):
                raise signed_in
        except service.AuthError as error:
            flash(AUTH_MESSAGES[error.code], "error")
            status = 401
            if _this_failure_locks_the_account():
                service.record_lockout(form.login.data, _account_limit_amount())
        else:
            # The next person at a shared shop computer must not inherit the previous
            # person's CSRF secret (nor anyone a secret planted before signing in).
            _renew_csrf_secret()
            login_user(signed_in.user, remember=form.remember.data)
            resets.note_sign_in(signed_in.user)
            _tell_about_reset(signed_in.user)
            if signed_in.user.must_change_password:
                flash(_("Your password was reset. Choose a new password to continue."), "info")
                return redirect(url_for("auth.change_password"))
            return redirect(safe_next(form.next.data) or url_for("main.home"))
    elif request.method == "POST":
        status = 400
    return render_template("auth/login.html", form=form), status


@bp.post("/logout")
@public
def logout():
    # Public so an expired session can still press the button; CSRFProtect still applies.
    if current_user.is_authenticated:
        # Ends the session on the server too: a copy of the cookie taken before signing out
        # (or the remember-me cookie) no longer names a valid session. Like a password
        # change, this ends the person's sessions on every device.
        service.end_sessions(current_user._get_current_object())
    logout_user()
    _renew_csrf_secret()
    flash(_("You have signed out."), "info")
    return redirect(url_for("auth.login"))


@bp.route("/password", methods=["GET", "POST"])
@login_required
def change_password():
    form = ChangePasswordForm()
    status = 200
    if form.validate_on_submit():
        try:
            service.change_password(
                current_user, form.current_password.data, form.new_password.data
            )
        except service.AuthError as error:
            flash(AUTH_MESSAGES[error.code], "error")
            status = 400
        else:
            login_user(current_user._get_current_object())  # session carries the new epoch
            flash(_("Your password has been changed."), "success")
            return redirect(url_for("main.home"))
    elif request.method == "POST":
        status = 400
    return render_template("auth/change_password.html", form=form), status


def _renew_csrf_secret() -> None:
    # Flask-WTF keeps the raw secret in the session under the CSRF field name and makes a
    # new one when it is missing.
    session.pop(current_app.config.get("WTF_CSRF_FIELD_NAME", "csrf_token"), None)


def _tell_about_reset(user) -> None:
    notice = resets.take_reset_notice(user)
    if notice is None:
        return
    by = notice.created_by.display_name if notice.created_by else _("an administrator")
    flash(
        _(
            "%(by)s started a password reset for your account on %(when)s. If you did not "
            "ask for it, tell HR.",
            by=by,
            when=format_moment(notice.created_at),
        ),
        "warning",
    )


def _no_store(response):
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.route("/reset/<token>", methods=["GET", "POST"])
@public
@limiter.limit(
    lambda: current_app.config["LOGIN_LIMIT_PER_ADDRESS"], methods=["POST"], scope="reset-link"
)
def reset_with_link(token: str):
    """The link from the reset e-mail: choose a new password, once."""
    form = ResetWithLinkForm()
    reset = resets.find_open_link(token)
    status = 200
    if reset is None:
        flash(AUTH_MESSAGES["reset-invalid"], "error")
        return _no_store(redirect(url_for("auth.login")))
    if form.validate_on_submit():
        try:
            resets.complete_with_link(token, form.new_password.data)
        except service.AuthError as error:
            flash(AUTH_MESSAGES[error.code], "error")
            status = 400
        else:
            flash(_("Your new password is set. Sign in with it."), "success")
            return redirect(url_for("auth.login"))
    elif request.method == "POST":
        status = 400
    return _no_store(
        make_response(
            render_template(
                "auth/reset.html", form=form, action=url_for("auth.reset_with_link", token=token)
            ),
            status,
        )
    )


@bp.route("/invitation/<token>", methods=["GET", "POST"])
@public
@limiter.limit(
    lambda: current_app.config["LOGIN_LIMIT_PER_ADDRESS"], methods=["POST"], scope="invitation"
)
def accept_invitation(token: str):
    """The link of an invitation (e-mailed, or the QR code on the store's sheet): choose a
    password, once, and be signed in."""
    form = ResetWithLinkForm()
    invitation = resets.find_open_link(token, purpose="invitation")
    if invitation is None:
        flash(INVITATION_CLOSED[resets.why_link_closed(token, purpose="invitation")], "error")
        return _no_store(redirect(url_for("auth.login")))
    status = 200
    if form.validate_on_submit():
        try:
            user = resets.complete_with_link(token, form.new_password.data, purpose="invitation")
        except service.AuthError as error:
            if error.code == "reset-invalid":  # used by another request a moment ago
                flash(INVITATION_CLOSED["used"], "error")
                return _no_store(redirect(url_for("auth.login")))
            flash(AUTH_MESSAGES[error.code], "error")
            status = 400
        else:
            if current_user.is_authenticated:
                logout_user()  # someone else's session on this phone must not carry on
            _renew_csrf_secret()
            login_user(user)
            flash(_("Welcome, %(name)s! Your password is set.", name=user.display_name), "success")
            return redirect(url_for("main.home"))
    elif request.method == "POST":
        status = 400
    return _no_store(
        make_response(
            render_template(
                "auth/invitation.html",
                form=form,
                person=invitation.user,
                action=url_for("auth.accept_invitation", token=token),
            ),
            status,
        )
    )


@bp.route("/reset-code", methods=["GET", "POST"])
@public
@limiter.limit(
    lambda: current_app.config["LOGIN_LIMIT_PER_ADDRESS"],
    methods=["POST"],
    deduct_when=_sign_in_failed,
    scope="reset-code-address",
)
@limiter.limit(
    lambda: current_app.config["LOGIN_LIMIT_PER_ACCOUNT"],
    methods=["POST"],
    key_func=_login_account_key,
    deduct_when=_sign_in_failed,
    scope="reset-code-account",
)
def reset_with_code():
    """A learner without e-mail types the one-time code HR gave them."""
    form = ResetWithCodeForm()
    status = 200
    if form.validate_on_submit():
        try:
            resets.complete_with_code(form.login.data, form.code.data, form.new_password.data)
        except service.AuthError as error:
            flash(AUTH_MESSAGES[error.code], "error")
            status = 401 if error.code == "reset-invalid" else 400
        else:
            flash(_("Your new password is set. Sign in with it."), "success")
            return redirect(url_for("auth.login"))
    elif request.method == "POST":
        status = 400
    return _no_store(
        make_response(
            render_template("auth/reset.html", form=form, action=url_for("auth.reset_with_code")),
            status,
        )
    )
