from django.urls import path

from onewindow.visits import views

app_name = "visits"

urlpatterns = [
    path("<str:reference>/originals/", views.originals, name="originals"),
    path("<str:reference>/appointment/", views.appointment, name="appointment"),
    path("<str:reference>/appointment/cancel/", views.cancel_appointment, name="cancel_appointment"),
    path("<str:reference>/start/", views.start, name="start"),
    path("queue/", views.my_queue, name="my_queue"),
    path("queue/<int:office_id>/", views.queue, name="queue"),
    path("queue/<int:office_id>/walk-in/", views.walk_in, name="walk_in"),
    path("appointments/<int:pk>/check-in/", views.check_in, name="check_in"),
    path("tickets/<int:pk>/call/", views.call, name="call"),
    path("tickets/<int:pk>/finish/", views.finish_ticket, name="finish_ticket"),
    path("visit/<int:pk>/", views.visit, name="visit"),
    path("visit/<int:pk>/verify/", views.verify, name="verify"),
    path("visit/<int:pk>/end/", views.end, name="end"),
    path("per-completion/", views.per_completion, name="per_completion"),
]
