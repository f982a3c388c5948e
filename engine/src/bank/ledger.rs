//! The ledger's rules, independent of storage: how each operation becomes a balanced
//! transaction, which lots it draws on (first-in first-out), and what it refuses.
//!
//! Every function here runs inside one unit of work of a [`Journal`]: it reads what
//! it needs, checks, and appends; if it fails, the store rolls the unit back.

use std::collections::BTreeMap;

use jiff::civil::Date;
use rust_decimal::Decimal;

use super::error::{BankError, ErrorKind};
use super::history::History;
use super::model::{Account, AwardKey, Lot, LotMove, NewLot, NewTxn, Posting, Source, Txn};
use super::settings::BankSettings;
use super::store::Journal;

/// What each lot gave to a spending: (lot, earned, amount).
pub type Taken = Vec<(u64, Date, Decimal)>;

/// The lots an operation touches, changed in memory until it is appended.
#[derive(Default)]
struct Lots {
    /// Lots loaded so far, by id, with their original remaining.
    loaded: BTreeMap<u64, (Lot, Decimal)>,
    members_loaded: Vec<String>,
}

impl Lots {
    fn load_member(&mut self, journal: &mut dyn Journal, member: &str) -> Result<(), BankError> {
        if !self.members_loaded.iter().any(|m| m == member) {
            for lot in journal.open_lots(member)? {
                let remaining = lot.remaining;
                self.loaded.entry(lot.id).or_insert((lot, remaining));
            }
            self.members_loaded.push(member.to_owned());
        }
        Ok(())
    }

    fn load(&mut self, journal: &mut dyn Journal, id: u64) -> Result<&mut Lot, BankError> {
        match self.loaded.entry(id) {
            std::collections::btree_map::Entry::Occupied(entry) => Ok(&mut entry.into_mut().0),
            std::collections::btree_map::Entry::Vacant(entry) => {
                let lot = journal
                    .lot(id)?
                    .ok_or_else(|| BankError::storage(format!("lot {id} is missing")))?;
                let remaining = lot.remaining;
                Ok(&mut entry.insert((lot, remaining)).0)
            }
        }
    }

    /// Takes `amount` from a member's open lots, oldest first; returns what each
    /// lot gave (lot, earned, amount).
    fn take_fifo(
        &mut self,
        journal: &mut dyn Journal,
        member: &str,
        amount: Decimal,
    ) -> Result<Taken, BankError> {
        self.take_preferring(journal, member, amount, None)
    }

    /// As [`Lots::take_fifo`], drawing first on lots earned on `prefer` (an award's
    /// own credits, when the report takes them back).
    fn take_preferring(
        &mut self,
        journal: &mut dyn Journal,
        member: &str,
        amount: Decimal,
        prefer: Option<Date>,
    ) -> Result<Taken, BankError> {
        self.load_member(journal, member)?;
        let mut open: Vec<&mut Lot> = self
            .loaded
            .values_mut()
            .map(|(lot, _)| lot)
            .filter(|l| l.member == member && l.remaining > Decimal::ZERO)
            .collect();
        open.sort_by_key(|l| (Some(l.earned) != prefer, l.earned, l.id));
        let mut left = amount;
        let mut taken = Vec::new();
        for lot in open {
            if left.is_zero() {
                break;
            }
            let take = left.min(lot.remaining);
            lot.remaining -= take;
            left -= take;
            taken.push((lot.id, lot.earned, take));
        }
        if !left.is_zero() {
            return Err(BankError::storage(format!(
                "the lots of {member} hold less than its balance: verify the bank"
            )));
        }
        Ok(taken)
    }

    /// The changes to every loaded lot.
    fn moves(&self) -> Vec<LotMove> {
        self.loaded
            .iter()
            .filter(|(_, (lot, before))| lot.remaining != *before)
            .map(|(&lot, (now, before))| LotMove {
                lot,
                delta: now.remaining - before,
            })
            .collect()
    }
}

/// The largest amount of credits one operation may carry is the largest award, a
/// thousand trillion: far above any scheme's figures, and far enough below
/// [`Decimal::MAX`] that no sum the bank keeps (a balance, the issuance account) can
/// overflow. An award within it times a rate of up to 10^6 can still exceed it: that
/// award is refused by the post.
pub use crate::value::MAX_AMOUNT;

/// `balance + amount`, or a refusal when the sum would not fit.
pub fn checked_sum(balance: Decimal, amount: Decimal, account: &Account) -> Result<Decimal, BankError> {
    balance.checked_add(amount).ok_or_else(|| {
        BankError::new(
            ErrorKind::InvalidAmount,
            format!("{amount} would overflow the balance of {account} ({balance})"),
        )
    })
}

/// Checks that an amount is a positive number of credits with at most the unit's places.
pub fn check_amount(amount: Decimal, settings: Option<&BankSettings>) -> Result<Decimal, BankError> {
    if amount <= Decimal::ZERO {
        return Err(BankError::new(
            ErrorKind::InvalidAmount,
            format!("the amount must be more than 0, found {amount}"),
        ));
    }
    if amount > MAX_AMOUNT {
        return Err(BankError::new(
            ErrorKind::InvalidAmount,
            format!("{amount} is more credits than one operation may carry ({MAX_AMOUNT})"),
        ));
    }
    if let Some(settings) = settings
        && amount.normalize().scale() > settings.decimals
    {
        return Err(BankError::new(
            ErrorKind::InvalidAmount,
            format!(
                "{amount} has more decimal places than credits have ({})",
                settings.decimals
            ),
        ));
    }
    Ok(scaled(amount, settings))
}

/// An amount with the credits' places (`50` → `50.0` with one decimal). Never
/// rounds: an amount with more places than the unit (from a ledger kept under other
/// settings) is shown as it is, so a true 0.8 never reads as 1.
pub fn scaled(amount: Decimal, settings: Option<&BankSettings>) -> Decimal {
    let mut amount = amount.normalize();
    if let Some(settings) = settings
        && amount.scale() < settings.decimals
    {
        amount.rescale(settings.decimals);
    }
    amount
}

fn refuse_short(member: &str, balance: Decimal, amount: Decimal, what: &str) -> BankError {
    let short = amount - balance;
    BankError::new(
        ErrorKind::InsufficientCredits,
        format!("{member} has {balance} credits; {what} needs {amount} (short by {short})"),
    )
    .with_zh(format!(
        "{member} 的积分为 {balance}，需要 {amount}（还差 {short}）"
    ))
}

/// Expires a member's lots that are past `expire_after` on `date`; returns the
/// expiry transaction, if any credits expired.
pub fn expire_member(
    journal: &mut dyn Journal,
    history: &History,
    member: &str,
    date: Date,
) -> Result<Option<Txn>, BankError> {
    let lots: Vec<Lot> = journal
        .open_lots(member)?
        .into_iter()
        .filter(|l| is_due(history, l, date))
        .collect();
    expire_lots(journal, member, date, &lots)
}

/// Whether lot `lot` has expired on `date`, under the settings it was earned under.
pub fn is_due(history: &History, lot: &Lot, date: Date) -> bool {
    history
        .expire_after_for(lot.earned)
        .is_some_and(|after| after.expires_on(lot.earned) <= date)
}

/// Refuses an operation dated before `member`'s latest movement: a statement read
/// in date order must show every balance as it was.
pub fn check_date(journal: &mut dyn Journal, member: &str, date: Date, what: &str) -> Result<(), BankError> {
    if let Some(latest) = journal.latest_movement(member)?
        && date < latest
    {
        return Err(BankError::new(
            ErrorKind::Backdated,
            format!(
                "{what} is dated {date}, before {member}'s latest movement on {latest}: date it {latest} or later"
            ),
        )
        .with_zh(format!(
            "日期 {date} 早于 {member} 最近一笔变动（{latest}）：请用 {latest} 或之后的日期"
        )));
    }
    Ok(())
}

/// The day an automatic booking (earning, adjustment, expiry) takes for `member`:
/// `day`, or the member's latest movement when that is later (so that a member's
/// movements are in date order).
pub fn booking_day(journal: &mut dyn Journal, member: &str, day: Date) -> Result<Date, BankError> {
    Ok(journal
        .latest_movement(member)?
        .map_or(day, |latest| latest.max(day)))
}

/// Refuses a member without an account, suggesting a close id.
pub fn known_member(journal: &mut dyn Journal, member: &str) -> Result<(), BankError> {
    if journal.latest_movement(member)?.is_some() {
        return Ok(());
    }
    let members = journal.members()?;
    let close = crate::diagnostic::did_you_mean(member, members.iter().map(String::as_str));
    let hint = close
        .map(|c| format!("; did you mean `{c}`?"))
        .unwrap_or_default();
    let hint_zh = close.map(|c| format!("；是不是 `{c}`？")).unwrap_or_default();
    Err(BankError::new(
        ErrorKind::UnknownMember,
        format!("no member `{member}` has an account in this bank{hint}"),
    )
    .with_zh(format!("本银行没有成员 `{member}` 的账户{hint_zh}")))
}

/// One expiry transaction retiring what is left of `lots` (all the member's).
pub fn expire_lots(
    journal: &mut dyn Journal,
    member: &str,
    as_of: Date,
    lots: &[Lot],
) -> Result<Option<Txn>, BankError> {
    let total: Decimal = lots.iter().map(|l| l.remaining).sum();
    if total.is_zero() {
        return Ok(None);
    }
    let booked = booking_day(journal, member, as_of)?;
    let txn = NewTxn {
        date: booked,
        key: None,
        source: Source::Expire {
            member: member.to_owned(),
            as_of,
        },
        postings: vec![
            Posting {
                account: Account::member(member),
                amount: -total,
            },
            Posting {
                account: Account::Expiry,
                amount: total,
            },
        ],
        lots: Vec::new(),
        moves: lots
            .iter()
            .map(|l| LotMove {
                lot: l.id,
                delta: -l.remaining,
            })
            .collect(),
    };
    journal.append(txn).map(Some)
}

/// Takes `amount` from `member` (after expiring what is due on `date`) to `to`.
/// Returns the transaction to append and the lots drawn on.
pub fn spend(
    journal: &mut dyn Journal,
    history: &History,
    member: &str,
    amount: Decimal,
    date: Date,
    what: &str,
) -> Result<(Vec<LotMove>, Taken), BankError> {
    known_member(journal, member)?;
    check_date(journal, member, date, what)?;
    let settings = history.current();
    expire_member(journal, history, member, date)?;
    let balance = scaled(journal.balance(&Account::member(member))?, settings);
    if balance < amount {
        return Err(refuse_short(member, balance, amount, what));
    }
    let mut lots = Lots::default();
    let taken = lots.take_fifo(journal, member, amount)?;
    Ok((lots.moves(), taken))
}

/// Returns the stored transaction for `key` if it matches what the caller asks
/// again (same source and postings); an error if the key was used for something else.
pub fn replay(journal: &mut dyn Journal, key: &str, wanted: &NewTxn) -> Result<Option<Txn>, BankError> {
    let Some(existing) = journal.find_key(key)? else {
        return Ok(None);
    };
    if existing.source == wanted.source && existing.postings == wanted.postings {
        Ok(Some(existing))
    } else {
        Err(BankError::new(
            ErrorKind::KeyReused,
            format!(
                "key `{key}` was already used by transaction #{} ({}) for a different {}",
                existing.id,
                existing.source.describe(),
                existing.source.kind()
            ),
        ))
    }
}

/// Reverses `original`: negated postings; lots it created are taken back (their
/// owner's other lots cover what was already spent of them, oldest first); lots it
/// drew on are restored.
pub fn reverse(
    journal: &mut dyn Journal,
    original: &Txn,
    reason: &str,
    date: Date,
) -> Result<NewTxn, BankError> {
    if let Source::Reverse { txn, .. } = original.source {
        return Err(BankError::new(
            ErrorKind::NotReversible,
            format!(
                "#{} is itself the reversal of #{txn}; post the operation again instead",
                original.id
            ),
        ));
    }
    if let Source::Earn { adjust: Some(_), .. } = &original.source
        && original.amount_for(&Account::Issuance) > Decimal::ZERO
    {
        return Err(BankError::new(
            ErrorKind::NotReversible,
            format!(
                "#{} took back credits the report no longer awards; post the report again instead (the ledger follows the report)",
                original.id
            ),
        ));
    }
    let postings: Vec<Posting> = original
        .postings
        .iter()
        .map(|p| Posting {
            account: p.account.clone(),
            amount: -p.amount,
        })
        .collect();
    for posting in &postings {
        if let Some(member) = posting.account.holder() {
            check_date(journal, member, date, &format!("reversing #{}", original.id))?;
        }
    }
    for posting in &postings {
        if let Some(member) = posting.account.member_id() {
            let balance = journal.balance(&posting.account)?;
            if balance + posting.amount < Decimal::ZERO {
                return Err(refuse_short(
                    member,
                    balance,
                    -posting.amount,
                    &format!("reversing #{}", original.id),
                ));
            }
        }
    }
    let mut lots = Lots::default();
    // Restore first what the original drew on, so that taking back can use it.
    for moved in original.moves.iter().filter(|m| m.delta < Decimal::ZERO) {
        lots.load(journal, moved.lot)?.remaining -= moved.delta;
    }
    let mut take_back: Vec<(String, u64, Decimal)> = original
        .lots
        .iter()
        .map(|l| (l.member.clone(), l.id, l.amount))
        .collect();
    take_back.extend(
        original
            .moves
            .iter()
            .filter(|m| m.delta > Decimal::ZERO)
            .map(|m| (String::new(), m.lot, m.delta)),
    );
    for (_, id, amount) in take_back {
        let lot = lots.load(journal, id)?;
        let member = lot.member.clone();
        let here = amount.min(lot.remaining);
        lot.remaining -= here;
        if here < amount {
            lots.take_fifo(journal, &member, amount - here)?;
        }
    }
    Ok(NewTxn {
        date,
        key: Some(format!("reverse:{}", original.id)),
        source: Source::Reverse {
            txn: original.id,
            reason: reason.to_owned(),
            award: original.award().map(|(key, _)| key),
        },
        postings,
        lots: Vec::new(),
        moves: lots.moves(),
    })
}

/// Books `credits` (negative: taken back) for award `key` on `booked`. Positive
/// credits repay what the member owes first, the rest becomes a lot earned on the
/// award's date; credits taken back come from the member's lots (the award's own
/// first) and what the balance does not cover is recorded as owed.
pub fn earn(
    journal: &mut dyn Journal,
    key: &AwardKey,
    credits: Decimal,
    booked: Date,
    source: Source,
) -> Result<NewTxn, BankError> {
    let member = key.member.as_str();
    let owed_account = Account::Owed(member.to_owned());
    let owed = -journal.balance(&owed_account)?;
    let mut postings = vec![Posting {
        account: Account::Issuance,
        amount: -credits,
    }];
    let mut lots = Vec::new();
    let mut moves = Vec::new();
    if credits > Decimal::ZERO {
        let repay = credits.min(owed);
        let kept = credits - repay;
        if kept > Decimal::ZERO {
            postings.push(Posting {
                account: Account::member(member),
                amount: kept,
            });
            lots.push(NewLot {
                member: member.to_owned(),
                earned: key.date,
                amount: kept,
            });
        }
        if repay > Decimal::ZERO {
            postings.push(Posting {
                account: owed_account,
                amount: repay,
            });
        }
    } else {
        let wanted = -credits;
        let balance = journal.balance(&Account::member(member))?;
        let take = wanted.min(balance);
        if take > Decimal::ZERO {
            let mut held = Lots::default();
            held.take_preferring(journal, member, take, Some(key.date))?;
            moves = held.moves();
            postings.push(Posting {
                account: Account::member(member),
                amount: -take,
            });
        }
        if wanted > take {
            postings.push(Posting {
                account: owed_account,
                amount: -(wanted - take),
            });
        }
    }
    Ok(NewTxn {
        date: booked,
        key: None,
        source,
        postings,
        lots,
        moves,
    })
}
