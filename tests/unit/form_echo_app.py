"""A tiny app for test_web_request's gunicorn test: it echoes the form it read and says
whether Werkzeug's form parser read it (the short road should, under gunicorn, not)."""

from flask import Flask, request
from werkzeug.formparser import FormDataParser

from trainer.web_request import TrainerRequest

app = Flask(__name__)
app.request_class = TrainerRequest
_werkzeug_parse = FormDataParser.parse


def _parse_and_say_so(self, *args, **kwargs):
    request.environ["test.werkzeug_parsed"] = True
    return _werkzeug_parse(self, *args, **kwargs)


FormDataParser.parse = _parse_and_say_so


@app.post("/echo")
def echo():
    return {"form": list(request.form.items(multi=True)),
            "werkzeug_parsed": request.environ.get("test.werkzeug_parsed", False)}
