"""Start-page card: feedup before planned activities, reflection after attended ones, observation requests."""
from app.portfolio import services


def reflections_card(user, today=None, planned=None, entries=None) -> dict | None:
    """`planned` and `entries`: as reflection_prompts takes them (the start page reads them once)."""
    if not user.function_rows:
        return None
    prompts = services.reflection_prompts(user, today, planned, entries)
    invitations = [o for o in services.observations_to_give(user) if o.status == "invited"]
    if not (prompts["feedup"] or prompts["reflection"] or invitations):
        return None
    return {"feedup": prompts["feedup"][:3], "reflection": prompts["reflection"][:3], "invitations": invitations[:3]}
