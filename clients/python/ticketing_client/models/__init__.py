""" Contains all the data models used in inputs/outputs """

from .account_out import AccountOut
from .admission_out import AdmissionOut
from .backup_codes import BackupCodes
from .case_out import CaseOut
from .case_out_category_scores import CaseOutCategoryScores
from .case_status import CaseStatus
from .code_in import CodeIn
from .code_out import CodeOut
from .credentials import Credentials
from .current_user import CurrentUser
from .current_user_out import CurrentUserOut
from .dispute_in import DisputeIn
from .dispute_out import DisputeOut
from .dispute_reason import DisputeReason
from .dispute_status import DisputeStatus
from .fees_out import FeesOut
from .get_code_keys_response_200 import GetCodeKeysResponse200
from .listing_rules import ListingRules
from .new_account import NewAccount
from .new_password import NewPassword
from .onboarding_in import OnboardingIn
from .onboarding_out import OnboardingOut
from .order_in import OrderIn
from .order_out import OrderOut
from .order_status import OrderStatus
from .order_ticket_out import OrderTicketOut
from .outcome import Outcome
from .password_change import PasswordChange
from .payment_in import PaymentIn
from .payment_out import PaymentOut
from .payment_status import PaymentStatus
from .payout_out import PayoutOut
from .payout_status import PayoutStatus
from .problem import Problem
from .profile import Profile
from .profile_in import ProfileIn
from .recovery import Recovery
from .rejection import Rejection
from .resale_in import ResaleIn
from .resolution_in import ResolutionIn
from .scan import Scan
from .second_factor import SecondFactor
from .second_factor_aal import SecondFactorAal
from .session_info import SessionInfo
from .signed_in import SignedIn
from .signed_in_aal import SignedInAal
from .sort import Sort
from .status import Status
from .status_status import StatusStatus
from .ticket_edit import TicketEdit
from .ticket_in import TicketIn
from .ticket_out import TicketOut
from .ticket_page import TicketPage
from .ticket_status import TicketStatus
from .totp_enrolment import TotpEnrolment
from .verification import Verification

__all__ = (
    "AccountOut",
    "AdmissionOut",
    "BackupCodes",
    "CaseOut",
    "CaseOutCategoryScores",
    "CaseStatus",
    "CodeIn",
    "CodeOut",
    "Credentials",
    "CurrentUser",
    "CurrentUserOut",
    "DisputeIn",
    "DisputeOut",
    "DisputeReason",
    "DisputeStatus",
    "FeesOut",
    "GetCodeKeysResponse200",
    "ListingRules",
    "NewAccount",
    "NewPassword",
    "OnboardingIn",
    "OnboardingOut",
    "OrderIn",
    "OrderOut",
    "OrderStatus",
    "OrderTicketOut",
    "Outcome",
    "PasswordChange",
    "PaymentIn",
    "PaymentOut",
    "PaymentStatus",
    "PayoutOut",
    "PayoutStatus",
    "Problem",
    "Profile",
    "ProfileIn",
    "Recovery",
    "Rejection",
    "ResaleIn",
    "ResolutionIn",
    "Scan",
    "SecondFactor",
    "SecondFactorAal",
    "SessionInfo",
    "SignedIn",
    "SignedInAal",
    "Sort",
    "Status",
    "StatusStatus",
    "TicketEdit",
    "TicketIn",
    "TicketOut",
    "TicketPage",
    "TicketStatus",
    "TotpEnrolment",
    "Verification",
)
