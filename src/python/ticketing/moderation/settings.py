from pydantic import Field

from ticketing.shared.settings import ServiceSettings, service_port


class ModerationSettings(ServiceSettings):
    port: int = service_port("moderation")
    moderation_queue: str = Field(default="ticketing:moderation", min_length=1)
    # An OpenAI-compatible moderation endpoint, used only where a key is configured.
    moderation_classifier_url: str = Field(default="https://api.openai.com", pattern="^https?://")
    moderation_classifier_api_key: str | None = None
    moderation_classifier_model: str = "omni-moderation-latest"
    # Any category score at or above: reject; else at or above review: a human decides.
    moderation_reject_threshold: float = Field(default=0.8, gt=0, le=1)
    moderation_review_threshold: float = Field(default=0.4, gt=0, le=1)

    def check(self) -> None:
        if self.moderation_review_threshold > self.moderation_reject_threshold:
            raise ValueError(
                "MODERATION_REVIEW_THRESHOLD must not exceed MODERATION_REJECT_THRESHOLD"
            )
        super().check()
