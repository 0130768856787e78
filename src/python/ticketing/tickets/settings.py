from ticketing.shared.settings import ServiceSettings, service_port


class TicketsSettings(ServiceSettings):
    port: int = service_port("tickets")
