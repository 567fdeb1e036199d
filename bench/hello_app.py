"""A bare Flask app with one route: the baseline the page benchmark compares Paraat against."""
from flask import Flask

app = Flask(__name__)


@app.route("/")
def hello():
    return "hello"
