"""A URLconf for the audit tests: one view that writes through the diary's services, so the
test sees what AuditlogMiddleware records for a real request."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.urls import include, path
from django.views.decorators.http import require_POST

from diary.access import get_scoped_or_404, patient_required
from diary.models import CrampEpisode
from diary.services import episode_delete


@patient_required
@require_POST
def delete_episode(request: HttpRequest, episode_id: int) -> HttpResponse:
    episode = get_scoped_or_404(
        request.user, CrampEpisode.objects.alive(), episode_id, patient_path="night__patient"
    )
    episode_delete(episode=episode)
    return HttpResponse("deleted")


urlpatterns = [
    path("test/episodes/<int:episode_id>/delete/", delete_episode),
    path("", include("config.urls")),
]
