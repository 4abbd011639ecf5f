import factory
from django.contrib.auth.models import Group
from django.utils import timezone

from award_portal.accounts.enums import ApplicantKind, Role
from award_portal.accounts.models import User

PASSWORD = "correct-horse-battery-staple"


class UserFactory(factory.django.DjangoModelFactory):
    """An active, e-mail-confirmed user; ``role=Role.X`` puts it in that role's group."""

    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda user: f"{user.username}@example.invalid")
    display_name = factory.Sequence(lambda n: f"测试用户{n}")
    email_confirmed_at = factory.LazyFunction(timezone.now)
    password = factory.django.Password(PASSWORD)

    @factory.post_generation
    def role(self, create, extracted, **kwargs):
        if create and extracted:
            self.groups.add(Group.objects.get(name=extracted))


class ApplicantFactory(UserFactory):
    applicant_kind = ApplicantKind.ORGANISATION

    @factory.post_generation
    def role(self, create, extracted, **kwargs):
        if create:
            self.groups.add(Group.objects.get(name=extracted or Role.APPLICANT))
