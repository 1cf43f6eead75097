from django.urls import path

from onewindow.permits import views

app_name = "permits"

urlpatterns = [
    path("issue/<str:reference>/", views.issue, name="issue"),
    path("mine/", views.mine, name="mine"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/permit.pdf", views.permit_pdf, name="pdf"),
    path("<int:pk>/cancellation-proof.pdf", views.cancellation_pdf, name="cancellation_pdf"),
    path("<int:pk>/revoke/", views.revoke, name="revoke"),
]
