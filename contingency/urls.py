"""Pages of the contingency app (README "Pages"), included before the complaints pages."""

from django.urls import path

from contingency import views

app_name = "contingency"

urlpatterns = [
    path("contingency/", views.group, name="group"),
    path("contingency/playbooks/", views.playbook_list, name="playbooks"),
    path("contingency/playbooks/<int:pk>/", views.playbook_detail, name="playbook"),
    path("contingency/playbooks/<int:pk>/versions/", views.playbook_propose, name="playbook-propose"),
    path("contingency/playbooks/<int:pk>/versions/<int:number>/edit/", views.version_edit, name="version-edit"),
    path("contingency/playbooks/<int:pk>/versions/<int:number>/activate/", views.version_activate,
         name="version-activate"),
    path("contingency/activations/", views.activation_list, name="activations"),
    path("contingency/activations/new/", views.activation_new, name="activation-new"),
    path("contingency/activations/<int:pk>/", views.activation_board, name="activation"),
    path("contingency/activations/<int:pk>/live/", views.activation_live, name="activation-live"),
    path("contingency/activations/<int:pk>/transitions/<str:name>/", views.activation_transition,
         name="activation-transition"),
    path("contingency/activations/<int:pk>/tasks/<int:task_id>/complete/", views.task_complete,
         name="task-complete"),
    path("contingency/activations/<int:pk>/comments/", views.comment_add, name="comment"),
    path("contingency/drills/", views.drills, name="drills"),
]
