from django.urls import path

from onewindow.cases import views

app_name = "cases"

urlpatterns = [
    path("work/", views.worklist, name="worklist"),
    path("new/<int:person_id>/", views.create, name="create"),
    path("<str:reference>/", views.detail, name="detail"),
    path("<str:reference>/act/<str:action>/", views.act, name="act"),
    path("<str:reference>/decision.pdf", views.decision_pdf, name="decision_pdf"),
    path("<str:reference>/return/", views.return_for_corrections, name="return"),
    path("<str:reference>/decline/", views.decline, name="decline"),
    path("<str:reference>/transfer/", views.transfer, name="transfer"),
    path("<str:reference>/supplement/", views.request_supplement, name="request_supplement"),
    path("<str:reference>/answer/", views.answer, name="answer"),
    path("<str:reference>/entry/", views.record_entry, name="entry"),
    path("<str:reference>/decide/work-permit/", views.decide_work, name="decide_work"),
    path("<str:reference>/decide/residence-permit/", views.decide_residence, name="decide_residence"),
]
