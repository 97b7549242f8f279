"""Piper's domain models: plain dataclasses and enums shared by the core and every face.

Nothing here touches storage or the network, so any module may import it
without slowing down start-up.
"""
