from http import HTTPStatus
from typing import Any, cast
from urllib.parse import quote

import httpx

from ...client import AuthenticatedClient, Client
from ...types import Response, UNSET
from ... import errors

from ...models.fees_out import FeesOut
from ...models.problem import Problem
from ...types import UNSET, Unset
from typing import cast



def _get_kwargs(
    *,
    price: None | str | Unset = UNSET,

) -> dict[str, Any]:
    

    

    params: dict[str, Any] = {}

    json_price: None | str | Unset
    if isinstance(price, Unset):
        json_price = UNSET
    else:
        json_price = price
    params["price"] = json_price


    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}


    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/api/payments/fees",
        "params": params,
    }


    return _kwargs



def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> FeesOut | Problem | None:
    if response.status_code == 200:
        response_200 = FeesOut.from_dict(response.json())



        return response_200

    if response.status_code == 400:
        response_400 = Problem.from_dict(response.json())



        return response_400

    if response.status_code == 503:
        response_503 = Problem.from_dict(response.json())



        return response_503

    if client.raise_on_unexpected_status:
        raise errors.UnexpectedStatus(response.status_code, response.content)
    else:
        return None


def _build_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Response[FeesOut | Problem]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient | Client,
    price: None | str | Unset = UNSET,

) -> Response[FeesOut | Problem]:
    """ Fees

    Args:
        price (None | str | Unset): a price, e.g. 45.50

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[FeesOut | Problem]
     """


    kwargs = _get_kwargs(
        price=price,

    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)

def sync(
    *,
    client: AuthenticatedClient | Client,
    price: None | str | Unset = UNSET,

) -> FeesOut | Problem | None:
    """ Fees

    Args:
        price (None | str | Unset): a price, e.g. 45.50

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        FeesOut | Problem
     """


    return sync_detailed(
        client=client,
price=price,

    ).parsed

async def asyncio_detailed(
    *,
    client: AuthenticatedClient | Client,
    price: None | str | Unset = UNSET,

) -> Response[FeesOut | Problem]:
    """ Fees

    Args:
        price (None | str | Unset): a price, e.g. 45.50

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[FeesOut | Problem]
     """


    kwargs = _get_kwargs(
        price=price,

    )

    response = await client.get_async_httpx_client().request(
        **kwargs
    )

    return _build_response(client=client, response=response)

async def asyncio(
    *,
    client: AuthenticatedClient | Client,
    price: None | str | Unset = UNSET,

) -> FeesOut | Problem | None:
    """ Fees

    Args:
        price (None | str | Unset): a price, e.g. 45.50

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        FeesOut | Problem
     """


    return (await asyncio_detailed(
        client=client,
price=price,

    )).parsed
