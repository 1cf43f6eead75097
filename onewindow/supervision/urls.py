from django.urls import path

from onewindow.supervision import views

app_name = "supervision"

urlpatterns = [
    path("", views.home, name="home"),
    path("training/<slug:code>/", views.training, name="training"),
    path("cases/<str:reference>/propose/", views.propose, name="propose"),
    path("proposals/<int:pk>/", views.proposal, name="proposal"),
    path("proposals/<int:pk>/countersign/", views.countersign, name="countersign"),
    path("proposals/<int:pk>/return/", views.return_proposal, name="return_proposal"),
    path("mentees/<int:pk>/certify/", views.certify, name="certify"),
    path("declarations/", views.declarations, name="declarations"),
    path("declarations/<int:pk>/withdraw/", views.withdraw_declaration, name="withdraw_declaration"),
    path("staff/", views.staff, name="staff"),
    path("staff/<int:pk>/", views.staff_record, name="staff_record"),
    path("campaigns/", views.campaigns, name="campaigns"),
    path("campaigns/<int:pk>/", views.campaign, name="campaign"),
    path("campaigns/<int:pk>/draw/", views.draw, name="draw"),
    path("campaigns/<int:campaign_pk>/sample/<int:pk>/", views.review, name="review"),
    path("corrective/<int:pk>/close/", views.close_corrective, name="close_corrective"),
    path("monitor/", views.live, name="monitor"),
    path("monitor/escalate/", views.escalate, name="escalate"),
    path("scorecards/", views.scorecard_index, name="scorecards"),
    path("scorecards/station/<int:office_id>/", views.station_scorecard, name="station_scorecard"),
    path("scorecards/station/<int:office_id>/export/", views.station_export, name="station_export"),
    path("scorecards/officer/<int:user_id>/", views.officer_scorecard, name="officer_scorecard"),
    path("scorecards/officer/<int:user_id>/export/", views.officer_export, name="officer_export"),
]
