from .accounts import PASSWORD, ApplicantFactory, UserFactory

__all__ = ["PASSWORD", "ApplicantFactory", "UserFactory"]
