from django.urls import path

from complaints.views import actions, home, intake, queue, workspace

urlpatterns = [
    path("", home.home, name="home"),
    path("cases/", queue.case_queue, name="case-queue"),
    path("cases/new/", intake.case_intake, name="case-intake"),
    path("cases/new/repeat-check/", intake.case_intake_repeat_check, name="case-intake-repeat-check"),
    path("cases/<int:case_id>/", workspace.case_workspace, name="case-workspace"),
    path("cases/<int:case_id>/transitions/<str:name>/", actions.case_transition, name="case-transition"),
    path("cases/<int:case_id>/notes/", actions.case_note, name="case-note"),
    path("cases/<int:case_id>/communications/", actions.case_communication, name="case-communication"),
    path("cases/<int:case_id>/attachments/", actions.case_attachment, name="case-attachment"),
    path("cases/<int:case_id>/extension/", actions.case_extension, name="case-extension"),
    path("cases/<int:case_id>/assign/", actions.case_assign, name="case-assign"),
    path("cases/<int:case_id>/pii/", actions.case_pii, name="case-pii"),
]
