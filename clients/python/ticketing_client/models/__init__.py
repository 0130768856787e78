""" Contains all the data models used in inputs/outputs """

from .admission_out import AdmissionOut
from .case_out import CaseOut
from .case_out_category_scores import CaseOutCategoryScores
from .case_status import CaseStatus
from .code_out import CodeOut
from .credentials import Credentials
from .current_user import CurrentUser
from .current_user_out import CurrentUserOut
from .get_code_keys_response_200 import GetCodeKeysResponse200
from .listing_rules import ListingRules
from .new_account import NewAccount
from .new_password import NewPassword
from .order_in import OrderIn
from .order_out import OrderOut
from .order_status import OrderStatus
from .order_ticket_out import OrderTicketOut
from .password_change import PasswordChange
from .payment_in import PaymentIn
from .payment_out import PaymentOut
from .payment_status import PaymentStatus
from .problem import Problem
from .profile import Profile
from .profile_in import ProfileIn
from .recovery import Recovery
from .rejection import Rejection
from .resale_in import ResaleIn
from .scan import Scan
from .session_info import SessionInfo
from .signed_in import SignedIn
from .sort import Sort
from .status import Status
from .status_status import StatusStatus
from .ticket_edit import TicketEdit
from .ticket_in import TicketIn
from .ticket_out import TicketOut
from .ticket_page import TicketPage
from .ticket_status import TicketStatus
from .verification import Verification

__all__ = (
    "AdmissionOut",
    "CaseOut",
    "CaseOutCategoryScores",
    "CaseStatus",
    "CodeOut",
    "Credentials",
    "CurrentUser",
    "CurrentUserOut",
    "GetCodeKeysResponse200",
    "ListingRules",
    "NewAccount",
    "NewPassword",
    "OrderIn",
    "OrderOut",
    "OrderStatus",
    "OrderTicketOut",
    "PasswordChange",
    "PaymentIn",
    "PaymentOut",
    "PaymentStatus",
    "Problem",
    "Profile",
    "ProfileIn",
    "Recovery",
    "Rejection",
    "ResaleIn",
    "Scan",
    "SessionInfo",
    "SignedIn",
    "Sort",
    "Status",
    "StatusStatus",
    "TicketEdit",
    "TicketIn",
    "TicketOut",
    "TicketPage",
    "TicketStatus",
    "Verification",
)
