from http import HTTPStatus
from typing import Any, cast
from urllib.parse import quote

import httpx

from ...client import AuthenticatedClient, Client
from ...types import Response, UNSET
from ... import errors

from ...models.problem import Problem
from ...models.sort import Sort
from ...models.ticket_page import TicketPage
from ...types import UNSET, Unset
from typing import cast



def _get_kwargs(
    *,
    title: None | str | Unset = UNSET,
    sort: Sort | Unset = UNSET,
    min_price: None | str | Unset = UNSET,
    max_price: None | str | Unset = UNSET,
    starts_after: None | str | Unset = UNSET,
    starts_before: None | str | Unset = UNSET,
    for_sale: bool | Unset = True,
    limit: int | Unset = 20,
    cursor: None | str | Unset = UNSET,
    offset: int | Unset = 0,
    if_none_match: None | str | Unset = UNSET,

) -> dict[str, Any]:
    headers: dict[str, Any] = {}
    if not isinstance(if_none_match, Unset):
        headers["If-None-Match"] = if_none_match



    

    params: dict[str, Any] = {}

    json_title: None | str | Unset
    if isinstance(title, Unset):
        json_title = UNSET
    else:
        json_title = title
    params["title"] = json_title

    json_sort: str | Unset = UNSET
    if not isinstance(sort, Unset):
        json_sort = sort.value

    params["sort"] = json_sort

    json_min_price: None | str | Unset
    if isinstance(min_price, Unset):
        json_min_price = UNSET
    else:
        json_min_price = min_price
    params["min_price"] = json_min_price

    json_max_price: None | str | Unset
    if isinstance(max_price, Unset):
        json_max_price = UNSET
    else:
        json_max_price = max_price
    params["max_price"] = json_max_price

    json_starts_after: None | str | Unset
    if isinstance(starts_after, Unset):
        json_starts_after = UNSET
    else:
        json_starts_after = starts_after
    params["starts_after"] = json_starts_after

    json_starts_before: None | str | Unset
    if isinstance(starts_before, Unset):
        json_starts_before = UNSET
    else:
        json_starts_before = starts_before
    params["starts_before"] = json_starts_before

    params["for_sale"] = for_sale

    params["limit"] = limit

    json_cursor: None | str | Unset
    if isinstance(cursor, Unset):
        json_cursor = UNSET
    else:
        json_cursor = cursor
    params["cursor"] = json_cursor

    params["offset"] = offset


    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}


    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/api/tickets",
        "params": params,
    }


    _kwargs["headers"] = headers
    return _kwargs



def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Any | None | TicketPage | Problem | None:
    if response.status_code == 200:
        def _parse_response_200(data: object) -> None | TicketPage:
            if data is None:
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                response_200_type_0 = TicketPage.from_dict(data)



                return response_200_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | TicketPage, data)

        response_200 = _parse_response_200(response.json())

        return response_200

    if response.status_code == 304:
        response_304 = cast(Any, None)
        return response_304

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


def _build_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Response[Any | None | TicketPage | Problem]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient | Client,
    title: None | str | Unset = UNSET,
    sort: Sort | Unset = UNSET,
    min_price: None | str | Unset = UNSET,
    max_price: None | str | Unset = UNSET,
    starts_after: None | str | Unset = UNSET,
    starts_before: None | str | Unset = UNSET,
    for_sale: bool | Unset = True,
    limit: int | Unset = 20,
    cursor: None | str | Unset = UNSET,
    offset: int | Unset = 0,
    if_none_match: None | str | Unset = UNSET,

) -> Response[Any | None | TicketPage | Problem]:
    """ Search

    Args:
        title (None | str | Unset):
        sort (Sort | Unset):
        min_price (None | str | Unset): a decimal string, e.g. 20 or 12.50
        max_price (None | str | Unset): a decimal string, e.g. 20 or 12.50
        starts_after (None | str | Unset): a time with its time zone, e.g. 2027-06-05T18:00Z
        starts_before (None | str | Unset): a time with its time zone, e.g. 2027-06-05T18:00Z
        for_sale (bool | Unset):  Default: True.
        limit (int | Unset): items to return Default: 20.
        cursor (None | str | Unset):
        offset (int | Unset): items to skip Default: 0.
        if_none_match (None | str | Unset): The ETag of a copy you hold: 304 without a body while
            it is current.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Any | None | TicketPage | Problem]
     """


    kwargs = _get_kwargs(
        title=title,
sort=sort,
min_price=min_price,
max_price=max_price,
starts_after=starts_after,
starts_before=starts_before,
for_sale=for_sale,
limit=limit,
cursor=cursor,
offset=offset,
if_none_match=if_none_match,

    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)

def sync(
    *,
    client: AuthenticatedClient | Client,
    title: None | str | Unset = UNSET,
    sort: Sort | Unset = UNSET,
    min_price: None | str | Unset = UNSET,
    max_price: None | str | Unset = UNSET,
    starts_after: None | str | Unset = UNSET,
    starts_before: None | str | Unset = UNSET,
    for_sale: bool | Unset = True,
    limit: int | Unset = 20,
    cursor: None | str | Unset = UNSET,
    offset: int | Unset = 0,
    if_none_match: None | str | Unset = UNSET,

) -> Any | None | TicketPage | Problem | None:
    """ Search

    Args:
        title (None | str | Unset):
        sort (Sort | Unset):
        min_price (None | str | Unset): a decimal string, e.g. 20 or 12.50
        max_price (None | str | Unset): a decimal string, e.g. 20 or 12.50
        starts_after (None | str | Unset): a time with its time zone, e.g. 2027-06-05T18:00Z
        starts_before (None | str | Unset): a time with its time zone, e.g. 2027-06-05T18:00Z
        for_sale (bool | Unset):  Default: True.
        limit (int | Unset): items to return Default: 20.
        cursor (None | str | Unset):
        offset (int | Unset): items to skip Default: 0.
        if_none_match (None | str | Unset): The ETag of a copy you hold: 304 without a body while
            it is current.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Any | None | TicketPage | Problem
     """


    return sync_detailed(
        client=client,
title=title,
sort=sort,
min_price=min_price,
max_price=max_price,
starts_after=starts_after,
starts_before=starts_before,
for_sale=for_sale,
limit=limit,
cursor=cursor,
offset=offset,
if_none_match=if_none_match,

    ).parsed

async def asyncio_detailed(
    *,
    client: AuthenticatedClient | Client,
    title: None | str | Unset = UNSET,
    sort: Sort | Unset = UNSET,
    min_price: None | str | Unset = UNSET,
    max_price: None | str | Unset = UNSET,
    starts_after: None | str | Unset = UNSET,
    starts_before: None | str | Unset = UNSET,
    for_sale: bool | Unset = True,
    limit: int | Unset = 20,
    cursor: None | str | Unset = UNSET,
    offset: int | Unset = 0,
    if_none_match: None | str | Unset = UNSET,

) -> Response[Any | None | TicketPage | Problem]:
    """ Search

    Args:
        title (None | str | Unset):
        sort (Sort | Unset):
        min_price (None | str | Unset): a decimal string, e.g. 20 or 12.50
        max_price (None | str | Unset): a decimal string, e.g. 20 or 12.50
        starts_after (None | str | Unset): a time with its time zone, e.g. 2027-06-05T18:00Z
        starts_before (None | str | Unset): a time with its time zone, e.g. 2027-06-05T18:00Z
        for_sale (bool | Unset):  Default: True.
        limit (int | Unset): items to return Default: 20.
        cursor (None | str | Unset):
        offset (int | Unset): items to skip Default: 0.
        if_none_match (None | str | Unset): The ETag of a copy you hold: 304 without a body while
            it is current.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Any | None | TicketPage | Problem]
     """


    kwargs = _get_kwargs(
        title=title,
sort=sort,
min_price=min_price,
max_price=max_price,
starts_after=starts_after,
starts_before=starts_before,
for_sale=for_sale,
limit=limit,
cursor=cursor,
offset=offset,
if_none_match=if_none_match,

    )

    response = await client.get_async_httpx_client().request(
        **kwargs
    )

    return _build_response(client=client, response=response)

async def asyncio(
    *,
    client: AuthenticatedClient | Client,
    title: None | str | Unset = UNSET,
    sort: Sort | Unset = UNSET,
    min_price: None | str | Unset = UNSET,
    max_price: None | str | Unset = UNSET,
    starts_after: None | str | Unset = UNSET,
    starts_before: None | str | Unset = UNSET,
    for_sale: bool | Unset = True,
    limit: int | Unset = 20,
    cursor: None | str | Unset = UNSET,
    offset: int | Unset = 0,
    if_none_match: None | str | Unset = UNSET,

) -> Any | None | TicketPage | Problem | None:
    """ Search

    Args:
        title (None | str | Unset):
        sort (Sort | Unset):
        min_price (None | str | Unset): a decimal string, e.g. 20 or 12.50
        max_price (None | str | Unset): a decimal string, e.g. 20 or 12.50
        starts_after (None | str | Unset): a time with its time zone, e.g. 2027-06-05T18:00Z
        starts_before (None | str | Unset): a time with its time zone, e.g. 2027-06-05T18:00Z
        for_sale (bool | Unset):  Default: True.
        limit (int | Unset): items to return Default: 20.
        cursor (None | str | Unset):
        offset (int | Unset): items to skip Default: 0.
        if_none_match (None | str | Unset): The ETag of a copy you hold: 304 without a body while
            it is current.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Any | None | TicketPage | Problem
     """


    return (await asyncio_detailed(
        client=client,
title=title,
sort=sort,
min_price=min_price,
max_price=max_price,
starts_after=starts_after,
starts_before=starts_before,
for_sale=for_sale,
limit=limit,
cursor=cursor,
offset=offset,
if_none_match=if_none_match,

    )).parsed
