"""The remiss pages under /remiss/, by area: the rounds (register, queue, round page,
extensions, the cover documents), the recipients' answers, and the responses with the
response table. Each area's module owns its own patterns."""

from . import answers, responses, rounds

app_name = "remiss"
urlpatterns = rounds.urlpatterns + answers.urlpatterns + responses.urlpatterns
